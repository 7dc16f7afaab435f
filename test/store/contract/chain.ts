// Contract: verifyChain walks the hash chain and names the first bad seq for altered, removed or re-linked rows.
import { describe, expect, it } from 'vitest';
import type { StoreCtx } from '../contract.js';
import { appendManyAt, newRun } from '../helpers.js';

export function chainSuite({ make, tamper }: StoreCtx): void {
  describe('hash chain', () => {
    it('verifies an intact log, whole or from a seq', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 100);
      expect(await store.verifyChain(run)).toEqual({ ok: true, count: 100 });
      expect(await store.verifyChain(run, { fromSeq: 61 })).toEqual({ ok: true, count: 40 });
    });

    if (!tamper) return;
    const raw = tamper;

    it('names the seq whose data changed by one byte', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 100);
      // "p20" → "p21" in seq 42's partition: one byte.
      await raw(
        store,
        'UPDATE events SET data = replace(data, \'"p20"\', \'"p21"\') WHERE run_id = ? AND seq = 42',
        run,
      );
      const report = await store.verifyChain(run);
      expect(report).toMatchObject({ ok: false, firstBadSeq: 42, count: 41 });
      expect(report.reason).toBe('seq 42: hash mismatch (data or type changed)');
      expect(await store.verifyChain(run, { fromSeq: 43 })).toEqual({ ok: true, count: 58 });
    });

    it('detects a changed type', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 10);
      await raw(store, "UPDATE events SET type = 'UNIT_FAILED' WHERE run_id = ? AND seq = 7", run);
      expect(await store.verifyChain(run)).toMatchObject({ ok: false, firstBadSeq: 7 });
    });

    it('detects a deleted row as a gap', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 50);
      await raw(store, 'DELETE FROM events WHERE run_id = ? AND seq = 17', run);
      const report = await store.verifyChain(run);
      expect(report).toMatchObject({ ok: false, firstBadSeq: 17, count: 16 });
      expect(report.reason).toContain('seq 17: missing');
    });

    it('detects a log that does not start at seq 1', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 5);
      await raw(store, 'DELETE FROM events WHERE run_id = ? AND seq = 1', run);
      expect(await store.verifyChain(run)).toMatchObject({ ok: false, firstBadSeq: 1, count: 0 });
    });

    it('detects a truncated tail against the run’s head', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 20);
      await raw(store, 'DELETE FROM events WHERE run_id = ? AND seq > 18', run);
      const report = await store.verifyChain(run);
      expect(report).toMatchObject({ ok: false, firstBadSeq: 19, count: 18 });
      expect(report.reason).toContain('truncated');
    });

    it('detects a row whose data and hash were both rewritten (prev_hash of the next breaks)', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 10);
      await raw(store, "UPDATE events SET hash = 'forged' WHERE run_id = ? AND seq = 4", run);
      const report = await store.verifyChain(run);
      expect(report).toMatchObject({ ok: false, firstBadSeq: 4 });
      await raw(store, "UPDATE events SET prev_hash = 'forged' WHERE run_id = ? AND seq = 6", run);
      expect((await store.verifyChain(run, { fromSeq: 6 })).reason).toContain(
        'seq 6: prev_hash does not match',
      );
    });
  });
}
