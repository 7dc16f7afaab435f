// Contract: snapshots round-trip, are found at or before a seq, and refuse to load when they or the log changed.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SNAPSHOTS_KEPT } from '../../../store/index.js';
import type { StoreCtx } from '../contract.js';
import { appendMany, createRun } from '../helpers.js';

export function snapshotSuite({ make }: StoreCtx): void {
  describe('snapshots', () => {
    it('saves and loads the latest snapshot at or before a seq, with the event hash at its seq', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 30);
      expect(store.latestSnapshot(run)).toBeUndefined();
      store.saveSnapshot(run, 10, { value: 'ten', context: { done: 5 } });
      store.saveSnapshot(run, 20, { value: 'twenty' });
      const hashAt20 = [...store.events(run, { fromSeq: 20, toSeq: 20 })][0].hash;
      expect(store.latestSnapshot(run)).toEqual({ seq: 20, snapshot: { value: 'twenty' }, hash: hashAt20 });
      expect(store.latestSnapshot(run, 19)).toMatchObject({
        seq: 10,
        snapshot: { value: 'ten', context: { done: 5 } },
      });
      expect(store.latestSnapshot(run, 9)).toBeUndefined();
      expect(store.snapshotEvery).toBeGreaterThan(0);
    });

    it('refuses a snapshot of a seq the log does not have', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 3);
      expect(() => store.saveSnapshot(run, 4, {})).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    });

    it('keeps the newest few snapshots per run', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 10);
      for (let seq = 1; seq <= 10; seq++) store.saveSnapshot(run, seq, { seq });
      expect(store.latestSnapshot(run, 10 - SNAPSHOTS_KEPT)).toBeUndefined();
      expect(store.latestSnapshot(run, 11 - SNAPSHOTS_KEPT)?.seq).toBe(11 - SNAPSHOTS_KEPT);
    });

    it('discards a snapshot whose transaction fails before commit', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 20);
      store.saveSnapshot(run, 10, { at: 10 });
      expect(() =>
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
      ).toThrow('crash before commit');
      expect(store.latestSnapshot(run)).toMatchObject({ seq: 10, snapshot: { at: 10 } });
    });

    it('throws LOG_TAMPERED naming run and seq when the snapshot text changed', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 20);
      store.saveSnapshot(run, 15, { done: 7 });
      const db = new Database(store.file);
      db.prepare('UPDATE snapshots SET snapshot = \'{"done":8}\' WHERE run_id = ? AND seq = 15').run(run);
      db.close();
      expect(() => store.latestSnapshot(run)).toThrow(
        expect.objectContaining({
          code: 'LOG_TAMPERED',
          message: expect.stringMatching(/run run-1: snapshot at seq 15/),
        }),
      );
    });

    it('throws LOG_TAMPERED when the event under the snapshot was rewritten', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 20);
      store.saveSnapshot(run, 15, { done: 7 });
      const db = new Database(store.file);
      db.prepare("UPDATE events SET hash = 'rewritten' WHERE run_id = ? AND seq = 15").run(run);
      db.close();
      expect(() => store.latestSnapshot(run)).toThrow(
        expect.objectContaining({ code: 'LOG_TAMPERED', message: expect.stringContaining('seq 15') }),
      );
    });
  });
}
