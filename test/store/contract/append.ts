// Contract: append assigns contiguous seqs from 1, chains hashes, moves the run's head, and is all-or-nothing.
import { describe, expect, it } from 'vitest';
import { eventHash } from '../../../store/index.js';
import type { StoreCtx } from '../contract.js';
import { allEvents, appendAt, ev, newRun, started } from '../helpers.js';

export function appendSuite({ make }: StoreCtx): void {
  describe('append', () => {
    it('numbers events 1, 2, 3 … without gaps across appends and chains their hashes', async () => {
      const store = await make();
      const run = await newRun(store);
      const first = await appendAt(store, run, [
        ev('RUN_CREATED', { planName: 'p' }),
        ev('PREREQS_PASSED', { checks: [] }),
      ]);
      const second = await appendAt(store, run, [started('a', '2024-01-01')]);
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
      expect(await store.head(run)).toEqual({ seq: 3, hash: all[2].hash });
      expect(await store.eventCount(run)).toBe(3);
      expect(await allEvents(store, run)).toEqual(all);
    });

    it('updates the runs row with the last event’s status, state and time', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendAt(store, run, [
        ev('RUN_CREATED', {}, { status: 'running', state: 'prerequisites', at: '2025-01-01T00:00:00.000Z' }),
        ev(
          'PAUSED',
          { by: 'me' },
          { status: 'paused', state: { paused: {} }, at: '2025-01-01T00:00:01.000Z' },
        ),
      ]);
      expect(await store.requireRun(run)).toMatchObject({
        status: 'paused',
        stateJson: '{"paused":{}}',
        headSeq: 2,
        updatedAt: '2025-01-01T00:00:01.000Z',
      });
      expect((await allEvents(store, run)).map((e) => e.state)).toEqual(['"prerequisites"', '{"paused":{}}']);
    });

    it('appends nothing when given no events', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendAt(store, run, [ev('RUN_CREATED')]);
      expect(await store.append(run, 1, [])).toEqual([]);
      expect((await store.head(run)).seq).toBe(1);
    });

    it('rolls the whole append back when an event is bad', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendAt(store, run, [ev('RUN_CREATED')]);
      const paused = ev('PAUSED');
      const bogus = {
        ...paused,
        event: { ...paused.event, type: 'NOT_AN_EVENT' },
      } as unknown as typeof paused;
      await expect(store.append(run, 1, [ev('PAUSED'), bogus])).rejects.toThrow(
        /unknown event type "NOT_AN_EVENT"/,
      );
      expect((await store.head(run)).seq).toBe(1);
      expect((await store.requireRun(run)).headSeq).toBe(1);
    });

    it('refuses an expected seq beyond the head (CONFLICT) and an unknown run (RUN_NOT_FOUND)', async () => {
      const store = await make();
      const run = await newRun(store);
      await expect(store.append(run, 5, [ev('RUN_CREATED')])).rejects.toThrow(
        expect.objectContaining({ code: 'CONFLICT' }),
      );
      await expect(store.append('ghost', 0, [ev('RUN_CREATED')])).rejects.toThrow(
        expect.objectContaining({ code: 'RUN_NOT_FOUND' }),
      );
    });

    it('reads a seq range', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendAt(
        store,
        run,
        Array.from({ length: 10 }, (_, i) => started('a', `p${i}`)),
      );
      expect((await allEvents(store, run, { fromSeq: 4, toSeq: 6 })).map((e) => e.seq)).toEqual([4, 5, 6]);
      expect((await allEvents(store, run, { fromSeq: 9 })).map((e) => e.seq)).toEqual([9, 10]);
      expect(await allEvents(store, 'other')).toEqual([]);
      expect((await store.readEvents(run, 3, 2)).map((e) => e.seq)).toEqual([3, 4]);
    });
  });
}
