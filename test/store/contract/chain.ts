// Contract: verifyChain walks the hash chain and names the first bad seq for altered, removed or re-linked rows.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../../store/index.js';
import type { StoreCtx } from '../contract.js';
import { appendMany, createRun } from '../helpers.js';

function raw(store: SqliteStore, sql: string, ...params: unknown[]): void {
  const db = new Database(store.file);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

export function chainSuite({ make }: StoreCtx): void {
  describe('hash chain', () => {
    it('verifies an intact log, whole or from a seq', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 100);
      expect(store.verifyChain(run)).toEqual({ ok: true, count: 100 });
      expect(store.verifyChain(run, { fromSeq: 61 })).toEqual({ ok: true, count: 40 });
    });

    it('names the seq whose data changed by one byte', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 100);
      // "p20" → "p21" in seq 42's partition: one byte.
      raw(
        store,
        'UPDATE events SET data = replace(data, \'"p20"\', \'"p21"\') WHERE run_id = ? AND seq = 42',
        run,
      );
      const report = store.verifyChain(run);
      expect(report).toMatchObject({ ok: false, firstBadSeq: 42, count: 41 });
      expect(report.reason).toBe('seq 42: hash mismatch (data or type changed)');
      expect(store.verifyChain(run, { fromSeq: 43 })).toEqual({ ok: true, count: 58 });
    });

    it('detects a changed type', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 10);
      raw(store, "UPDATE events SET type = 'UNIT_FAILED' WHERE run_id = ? AND seq = 7", run);
      expect(store.verifyChain(run)).toMatchObject({ ok: false, firstBadSeq: 7 });
    });

    it('detects a deleted row as a gap', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 50);
      raw(store, 'DELETE FROM events WHERE run_id = ? AND seq = 17', run);
      const report = store.verifyChain(run);
      expect(report).toMatchObject({ ok: false, firstBadSeq: 17, count: 16 });
      expect(report.reason).toContain('seq 17: missing');
    });

    it('detects a log that does not start at seq 1', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 5);
      raw(store, 'DELETE FROM events WHERE run_id = ? AND seq = 1', run);
      expect(store.verifyChain(run)).toMatchObject({ ok: false, firstBadSeq: 1, count: 0 });
    });

    it('detects a truncated tail against the run’s head', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 20);
      raw(store, 'DELETE FROM events WHERE run_id = ? AND seq > 18', run);
      const report = store.verifyChain(run);
      expect(report).toMatchObject({ ok: false, firstBadSeq: 19, count: 18 });
      expect(report.reason).toContain('truncated');
    });

    it('detects a row whose data and hash were both rewritten (prev_hash of the next breaks)', () => {
      const store = make();
      const run = createRun(store);
      appendMany(store, run, 10);
      raw(store, "UPDATE events SET hash = 'forged' WHERE run_id = ? AND seq = 4", run);
      const report = store.verifyChain(run);
      expect(report).toMatchObject({ ok: false, firstBadSeq: 4 });
      raw(store, "UPDATE events SET prev_hash = 'forged' WHERE run_id = ? AND seq = 6", run);
      expect(store.verifyChain(run, { fromSeq: 6 }).reason).toContain('seq 6: prev_hash does not match');
    });
  });
}
