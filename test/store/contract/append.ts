// Contract: append assigns contiguous seqs from 1, chains hashes, moves the run's head, and is all-or-nothing.
import { describe, expect, it } from 'vitest';
import { eventHash } from '../../../store/index.js';
import type { StoreCtx } from '../contract.js';
import { appendAll, createRun, ev, started } from '../helpers.js';

export function appendSuite({ make }: StoreCtx): void {
  describe('append', () => {
    it('numbers events 1, 2, 3 … without gaps across appends and chains their hashes', () => {
      const store = make();
      const run = createRun(store);
      const first = appendAll(store, run, [
        ev('RUN_CREATED', { planName: 'p' }),
        ev('PREREQS_PASSED', { checks: [] }),
      ]);
      const second = appendAll(store, run, [started('a', '2024-01-01')]);
      const all = [...first, ...second];
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(all[0].prevHash).toBe('');
      expect(all[1].prevHash).toBe(all[0].hash);
      expect(all[2].prevHash).toBe(all[1].hash);
      expect(all[2].hash).toBe(eventHash(all[1].hash, run, 3, 'UNIT_STARTED', all[2].data));
      expect(JSON.parse(all[2].data)).toEqual({
        step: 'a',
        partition: '2024-01-01',
        attempt: 1,
        reason: 'first',
      });
      expect(store.head(run)).toEqual({ seq: 3, hash: all[2].hash });
      expect(store.eventCount(run)).toBe(3);
      expect([...store.events(run)]).toEqual(all);
    });

    it('updates the runs row with the last event’s status, state and time', () => {
      const store = make();
      const run = createRun(store);
      appendAll(store, run, [
        ev('RUN_CREATED', {}, { status: 'running', state: 'prerequisites', at: '2025-01-01T00:00:00.000Z' }),
        ev(
          'PAUSED',
          { by: 'me' },
          { status: 'paused', state: { paused: {} }, at: '2025-01-01T00:00:01.000Z' },
        ),
      ]);
      expect(store.requireRun(run)).toMatchObject({
        status: 'paused',
        stateJson: '{"paused":{}}',
        headSeq: 2,
        updatedAt: '2025-01-01T00:00:01.000Z',
      });
      expect([...store.events(run)].map((e) => e.state)).toEqual(['"prerequisites"', '{"paused":{}}']);
    });

    it('appends nothing when build returns no events', () => {
      const store = make();
      const run = createRun(store);
      appendAll(store, run, [ev('RUN_CREATED')]);
      expect(store.append(run, 1, () => [])).toEqual([]);
      expect(store.head(run).seq).toBe(1);
    });

    it('rolls the whole append back when build or an event is bad', () => {
      const store = make();
      const run = createRun(store);
      appendAll(store, run, [ev('RUN_CREATED')]);
      expect(() =>
        store.append(run, 1, () => {
          throw new Error('caller failed');
        }),
      ).toThrow('caller failed');
      const bogus = { ...ev('PAUSED'), type: 'NOT_AN_EVENT' } as unknown as ReturnType<typeof ev>;
      expect(() => store.append(run, 1, () => [ev('PAUSED'), bogus])).toThrow(
        /unknown event type "NOT_AN_EVENT"/,
      );
      expect(store.head(run).seq).toBe(1);
      expect(store.requireRun(run).headSeq).toBe(1);
    });

    it('refuses an expected seq beyond the head (CONFLICT) and an unknown run (RUN_NOT_FOUND)', () => {
      const store = make();
      const run = createRun(store);
      expect(() => store.append(run, 5, () => [ev('RUN_CREATED')])).toThrow(
        expect.objectContaining({ code: 'CONFLICT' }),
      );
      expect(() => store.append('ghost', 0, () => [ev('RUN_CREATED')])).toThrow(
        expect.objectContaining({ code: 'RUN_NOT_FOUND' }),
      );
    });

    it('reads a seq range', () => {
      const store = make();
      const run = createRun(store);
      appendAll(
        store,
        run,
        Array.from({ length: 10 }, (_, i) => started('a', `p${i}`)),
      );
      expect([...store.events(run, { fromSeq: 4, toSeq: 6 })].map((e) => e.seq)).toEqual([4, 5, 6]);
      expect([...store.events(run, { fromSeq: 9 })].map((e) => e.seq)).toEqual([9, 10]);
      expect([...store.events('other')]).toEqual([]);
    });
  });
}
