// Contract: the units projection follows unit events, and a rebuild from the log gives the same rows.
import { describe, expect, it } from 'vitest';
import { compactPartitions } from '../../../machines/index.js';
import type { NewEvent } from '../../../store/index.js';
import type { StoreCtx } from '../contract.js';
import { appendAt, baseline, dates, ev, failed, newRun, started, succeeded } from '../helpers.js';

export function projectionSuite({ make, tamper }: StoreCtx): void {
  describe('units projection', () => {
    it('tracks baseline, start, success, failure and retry per unit', async () => {
      const store = await make();
      const run = await newRun(store);
      const [d1, d2, d3, d4] = dates(4);
      await appendAt(store, run, [baseline({ a: [d1, d2, d3, d4], b: [d1] })]);
      expect(await store.unitCounts(run)).toEqual({
        a: { pending: 4, started: 0, succeeded: 0, failed: 0 },
        b: { pending: 1, started: 0, succeeded: 0, failed: 0 },
      });
      await appendAt(store, run, [
        started('a', d1, 1, 'job-1'),
        succeeded('a', d1, 42),
        started('a', d2),
        failed('a', d2, false),
        started('a', d3),
        failed('a', d3, true),
        started('a', d4),
        failed('a', d4, true),
        started('b', d1),
      ]);
      const byPartition = Object.fromEntries(
        (await store.units(run, { step: 'a' })).map((u) => [u.partition, u]),
      );
      expect(byPartition[d1]).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        rows: 42,
        jobRef: 'job-1',
        error: null,
      });
      expect(byPartition[d2]).toMatchObject({ status: 'pending', attempts: 1, lastSeq: 5 });
      expect(JSON.parse(byPartition[d2].error ?? 'null')).toEqual({
        code: 'QUERY',
        message: `boom ${d2}`,
        retryable: true,
      });
      expect(byPartition[d3]).toMatchObject({ status: 'failed', lastSeq: 7 });
      expect((await store.units(run, { status: ['failed'] })).map((u) => u.partition)).toEqual([d3, d4]);
      expect(await store.units(run, { step: 'b', status: ['started', 'pending'] })).toHaveLength(1);

      const retry = await appendAt(store, run, [
        ev('RETRY_REQUESTED', {
          by: 'cli',
          step: 'a',
          partitions: [d4],
          reopened: [{ step: 'a', count: 1 }],
        }),
      ]);
      expect((await store.units(run, { step: 'a', status: ['failed'] })).map((u) => u.partition)).toEqual([
        d3,
      ]);
      expect((await store.units(run, { step: 'a' })).find((u) => u.partition === d4)).toMatchObject({
        status: 'pending',
        lastSeq: retry[0].seq,
      });
      await appendAt(store, run, [ev('RETRY_REQUESTED', { by: 'cli', reopened: [{ step: 'a', count: 1 }] })]);
      expect((await store.unitCounts(run)).a).toEqual({ pending: 3, started: 0, succeeded: 1, failed: 0 });
    });

    it('expands day ranges in a baseline to one pending unit per date, also on rebuild', async () => {
      const store = await make();
      const run = await newRun(store);
      const days = dates(40);
      const toRun = [...compactPartitions(days.slice(0, 30)), days[35]];
      expect(toRun).toEqual([`${days[0]}..${days[29]}`, days[35]]);
      await appendAt(store, run, [baseline({ a: toRun })]);
      const pending = async () =>
        (await store.units(run, { step: 'a', status: ['pending'] })).map((u) => u.partition);
      expect(await pending()).toEqual([...days.slice(0, 30), days[35]]);
      await store.rebuildProjection(run);
      expect(await pending()).toEqual([...days.slice(0, 30), days[35]]);
    });

    it('lists the pending units whose last attempt failed, up to a limit', async () => {
      const store = await make();
      const run = await newRun(store);
      const [d1, d2, d3, d4] = dates(4);
      await appendAt(store, run, [
        baseline({ a: [d1, d2, d3, d4] }),
        started('a', d1),
        failed('a', d1, false),
        started('a', d2),
        failed('a', d2, true),
        started('a', d3),
        failed('a', d3, false),
        started('a', d4),
        succeeded('a', d4, 1),
      ]);
      expect((await store.retryingUnits(run, 10)).map((u) => u.partition)).toEqual([d1, d3]);
      expect((await store.retryingUnits(run, 1)).map((u) => u.partition)).toEqual([d1]);
    });

    it('groups units that failed for good by error code, the first few of each with its count', async () => {
      const store = await make();
      const run = await newRun(store);
      const days = dates(30);
      const denied = (step: string, partition: string): NewEvent =>
        ev('UNIT_FAILED', {
          step,
          partition,
          attempt: 1,
          final: true,
          error: { code: 'ACCESS_DENIED', message: `no access to ${step}`, retryable: false },
        });
      await appendAt(store, run, [
        baseline({ a: days, b: days.slice(0, 3) }),
        // a: 25 ACCESS_DENIED; b: 2 QUERY after 2 attempts, 1 still retrying (not listed).
        ...days.slice(0, 25).map((d) => denied('a', d)),
        failed('b', days[0], false),
        failed('b', days[0], true, 2),
        failed('b', days[1], true, 2),
        failed('b', days[2], false),
      ]);
      const groups = await store.failedUnits(run, 20);
      expect(groups.map((g) => [g.code, g.count, g.units.length])).toEqual([
        ['ACCESS_DENIED', 25, 20],
        ['QUERY', 2, 2],
      ]);
      expect(groups[0].units[0]).toEqual({
        step: 'a',
        partition: days[0],
        attempts: 1,
        message: 'no access to a',
      });
      expect(groups[1].units).toEqual([
        { step: 'b', partition: days[0], attempts: 2, message: `boom ${days[0]}` },
        { step: 'b', partition: days[1], attempts: 2, message: `boom ${days[1]}` },
      ]);
      // Re-opened units are no longer failed.
      await appendAt(store, run, [
        ev('RETRY_REQUESTED', { by: 'cli', step: 'b', reopened: [{ step: 'b', count: 2 }] }),
      ]);
      expect((await store.failedUnits(run, 20)).map((g) => g.code)).toEqual(['ACCESS_DENIED']);
    });

    it('restricts a retry to data.step when given', async () => {
      const store = await make();
      const run = await newRun(store);
      const [d1] = dates(1);
      await appendAt(store, run, [
        baseline({ a: [d1], b: [d1] }),
        failed('a', d1, true),
        failed('b', d1, true),
        ev('RETRY_REQUESTED', {
          by: 'cli',
          step: 'b',
          reopened: [
            { step: 'a', count: 1 },
            { step: 'b', count: 1 },
          ],
        }),
      ]);
      expect((await store.units(run, { status: ['failed'] })).map((u) => u.step)).toEqual(['a']);
    });

    it('rebuilds from the log to exactly the incremental projection', async () => {
      const store = await make();
      const run = await newRun(store);
      const other = await newRun(store, 'other-run');
      const parts = dates(400);
      await appendAt(store, run, [baseline({ a: parts, b: parts })]);
      await appendAt(store, other, [baseline({ a: parts.slice(0, 3) })]);
      for (const [i, p] of parts.entries()) {
        const evs = [started('a', p), i % 7 === 0 ? failed('a', p, i % 14 === 0) : succeeded('a', p, i)];
        if (i % 3 === 0) evs.push(started('b', p, 1, `job-${i}`));
        await appendAt(store, run, evs);
      }
      await appendAt(store, run, [
        ev('RETRY_REQUESTED', {
          by: 'x',
          partitions: parts.slice(0, 50),
          reopened: [{ step: 'a', count: 4 }],
        }),
      ]);
      const incremental = await store.units(run);
      const otherBefore = await store.units(other);
      expect(incremental.length).toBe(800);
      // More unit events than one rebuild page.
      expect(await store.eventCount(run)).toBeGreaterThan(500);
      if (!tamper) return;
      await tamper(store, "UPDATE units SET status = 'succeeded', last_seq = 0 WHERE run_id = ?", run);
      await tamper(store, "DELETE FROM units WHERE run_id = ? AND step = 'b'", run);
      expect(await store.units(run)).not.toEqual(incremental);

      await store.rebuildProjection(run);
      expect(await store.units(run)).toEqual(incremental);
      expect(await store.units(other)).toEqual(otherBefore);
    });
  });
}
