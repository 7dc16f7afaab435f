// Contract: snapshots round-trip, are found at or before a seq, and refuse to load when they or the log changed.
import { describe, expect, it } from 'vitest';
import { SNAPSHOTS_KEPT } from '../../../store/index.js';
import type { StoreCtx } from '../contract.js';
import { allEvents, appendManyAt, newRun } from '../helpers.js';

export function snapshotSuite({ make, tamper }: StoreCtx): void {
  describe('snapshots', () => {
    it('saves and loads the latest snapshot at or before a seq, with the event hash at its seq', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 30);
      expect(await store.latestSnapshot(run)).toBeUndefined();
      await store.saveSnapshot(run, 10, { value: 'ten', context: { done: 5 } });
      await store.saveSnapshot(run, 20, { value: 'twenty' });
      const hashAt20 = (await allEvents(store, run, { fromSeq: 20, toSeq: 20 }))[0].hash;
      expect(await store.latestSnapshot(run)).toEqual({
        seq: 20,
        snapshot: { value: 'twenty' },
        hash: hashAt20,
      });
      expect(await store.latestSnapshot(run, 19)).toMatchObject({
        seq: 10,
        snapshot: { value: 'ten', context: { done: 5 } },
      });
      expect(await store.latestSnapshot(run, 9)).toBeUndefined();
      expect(store.snapshotEvery).toBeGreaterThan(0);
    });

    it('refuses a snapshot of a seq the log does not have', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 3);
      await expect(store.saveSnapshot(run, 4, {})).rejects.toThrow(
        expect.objectContaining({ code: 'BAD_ARGUMENT' }),
      );
    });

    it('keeps the newest few snapshots per run', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 10);
      for (let seq = 1; seq <= 10; seq++) await store.saveSnapshot(run, seq, { seq });
      expect(await store.latestSnapshot(run, 10 - SNAPSHOTS_KEPT)).toBeUndefined();
      expect((await store.latestSnapshot(run, 11 - SNAPSHOTS_KEPT))?.seq).toBe(11 - SNAPSHOTS_KEPT);
    });

    it('discards a snapshot whose transaction fails before commit', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 20);
      await store.saveSnapshot(run, 10, { at: 10 });
      await expect(
        store.saveSnapshot(
          run,
          20,
          { at: 20 },
          {
            beforeCommit: () => {
              throw new Error('crash before commit');
            },
          },
        ),
      ).rejects.toThrow('crash before commit');
      expect(await store.latestSnapshot(run)).toMatchObject({ seq: 10, snapshot: { at: 10 } });
    });

    it('throws LOG_TAMPERED naming run and seq when the snapshot text changed', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 20);
      await store.saveSnapshot(run, 15, { done: 7 });
      if (!tamper) return;
      await tamper(
        store,
        'UPDATE snapshots SET snapshot = \'{"done":8}\' WHERE run_id = ? AND seq = 15',
        run,
      );
      await expect(store.latestSnapshot(run)).rejects.toThrow(
        expect.objectContaining({
          code: 'LOG_TAMPERED',
          message: expect.stringMatching(/run run-1: snapshot at seq 15/),
        }),
      );
    });

    it('throws LOG_TAMPERED when the event under the snapshot was rewritten', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 20);
      await store.saveSnapshot(run, 15, { done: 7 });
      if (!tamper) return;
      await tamper(store, "UPDATE events SET hash = 'rewritten' WHERE run_id = ? AND seq = 15", run);
      await expect(store.latestSnapshot(run)).rejects.toThrow(
        expect.objectContaining({ code: 'LOG_TAMPERED', message: expect.stringContaining('seq 15') }),
      );
    });
  });
}
