// Contract: a run's appends are applied in the order they were called, so a writer may call the next before the
// last has returned (up to pipelineDepth in flight), expecting the head the one before it will leave. Where appends
// pipeline (depth 2), one called behind an append that does not land fails with CONFLICT, never as tampering, and
// writes nothing; where they do not (depth 1: SQLite's append is done before it returns), each is judged alone
// against the head, and callers do not keep two in flight.
import { describe, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import type { StoreCtx } from '../contract.js';
import { allEvents, appendAt, ev, newRun, started } from '../helpers.js';

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'landed',
    (err: unknown) => (err instanceof PhasedError ? err.code : String(err)),
  );

export function pipelineSuite({ make, reopen }: StoreCtx): void {
  describe('appends in flight together', () => {
    it('says how many may be in flight, and applies them in the order called', async () => {
      const store = await make();
      expect(store.pipelineDepth).toBeGreaterThanOrEqual(1);
      const run = await newRun(store);
      await appendAt(store, run, [ev('RUN_CREATED')]);
      const calls = [
        store.append(run, 1, [started('a', 'p1'), started('a', 'p2')]),
        store.append(run, 3, [started('a', 'p3')]),
      ];
      const [first, second] = await Promise.all(calls);
      expect(first.map((e) => e.seq)).toEqual([2, 3]);
      expect(second.map((e) => e.seq)).toEqual([4]);
      expect(second[0].prevHash).toBe(first[1].hash);
      expect((await allEvents(store, run)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(await store.verifyChain(run)).toEqual({ ok: true, count: 4 });
    });

    it('an append called behind one that lost to another writer: CONFLICT where appends pipeline', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendAt(store, run, [ev('RUN_CREATED')]);
      const other = await reopen(store);
      // The other writer's one event makes the head seq what the second call expects, with another hash.
      await appendAt(other, run, [ev('PAUSE_REQUESTED', { by: 'someone' })]);
      const first = outcome(store.append(run, 1, [started('a', 'p1')]));
      const second = outcome(store.append(run, 2, [started('a', 'p2')]));
      const pipelines = store.pipelineDepth > 1;
      expect([await first, await second]).toEqual(['CONFLICT', pipelines ? 'CONFLICT' : 'landed']);
      const types = ['RUN_CREATED', 'PAUSE_REQUESTED', ...(pipelines ? [] : ['UNIT_STARTED'])];
      expect((await allEvents(store, run)).map((e) => e.type)).toEqual(types);
      expect((await store.units(run)).map((u) => u.partition)).toEqual(pipelines ? [] : ['p2']);
      expect(await store.verifyChain(run)).toEqual({ ok: true, count: types.length });
      // The writer reads the head and goes on after it.
      const head = types.length;
      expect((await store.append(run, head, [started('a', 'p1')])).map((e) => e.seq)).toEqual([head + 1]);
    });
  });
}
