// A snapshot being written does not hold up the run's appends. On a real PostgreSQL, another session holds a lock on
// the snapshots table: the run's save waits on it while the run appends on, and once the lock goes the snapshot
// lands, tied to its seq, and so does the newest crossing met meanwhile. A save that fails (here: its statement times out on that lock) leaves the commits alone,
// whose events are durable; the log's onSnapshotError is told, and idle() reports it.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createRun, RunLog } from '../../../src/engine/index.js';
import { usePg } from '../../store/pg/helpers.js';
import { twoPhasePlan } from '../../support/plans.js';
import { openingEvents, unitOk, unitStarted } from '../../support/run-events.js';

const ctx = usePg();
const PARTITIONS = ['2024-01-01', '2024-01-02', '2024-01-03'];

/** A second session holding the snapshots table against writers (readers go on), until release(). */
async function lockSnapshots(schema: string) {
  const c = new pg.Client({ connectionString: ctx.pg.url, options: `-c search_path=${schema}` });
  await c.connect();
  await c.query('BEGIN');
  await c.query('LOCK TABLE snapshots IN EXCLUSIVE MODE');
  return {
    release: async () => {
      await c.query('COMMIT');
      await c.end();
    },
  };
}

/** The opening (4 events: a snapshot is due at seq 4), then each partition of step a started and done. */
async function drive(log: RunLog, runId: string): Promise<void> {
  const plan = twoPhasePlan();
  await log.commit(openingEvents(runId, plan, PARTITIONS, ['a', 'b', 'c', 'd']));
  for (const p of PARTITIONS) {
    await log.commit([unitStarted('a', p)]);
    await log.commit([unitOk('a', p)]);
  }
}

describe('snapshots saved beside the appends', () => {
  it('appends on while the snapshot waits on the database, and the snapshot lands once it can', async () => {
    const schema = ctx.pg.schema();
    const store = await ctx.open({ schema, snapshotEvery: 4 });
    const runId = await createRun(store, twoPhasePlan(), { runId: 'snap' });
    const log = await RunLog.open(store, runId);
    const lock = await lockSnapshots(schema);
    // Were the save awaited by the commit that crossed seq 4, this would wait for the lock forever.
    await drive(log, runId);
    expect(log.seq).toBe(4 + 2 * PARTITIONS.length);
    expect(await store.latestSnapshot(runId)).toBeUndefined();
    await lock.release();
    expect(await log.idle()).toBeUndefined();
    // The crossing at seq 4 lands, tied to its event; the one at seq 8, met while it waited, is saved after it.
    const snap = await store.latestSnapshot(runId, 7);
    expect(snap?.seq).toBe(4);
    const [at4] = await store.readEvents(runId, 4, 1);
    expect(snap?.hash).toBe(at4.hash);
    expect((await store.latestSnapshot(runId))?.seq).toBe(8);
  });

  it('keeps the commits when the save fails, and idle() reports the failure', async () => {
    const schema = ctx.pg.schema();
    const store = await ctx.open({ schema, snapshotEvery: 4, statementTimeoutMs: 300 });
    const runId = await createRun(store, twoPhasePlan(), { runId: 'snap' });
    const log = await RunLog.open(store, runId);
    const told: number[] = [];
    log.onSnapshotError = (seq) => told.push(seq);
    const lock = await lockSnapshots(schema);
    await drive(log, runId);
    const failed = await log.idle();
    // Told as it failed (the driver passes it to the run's log as a warning).
    expect(told).toContain(4);
    await lock.release();
    expect(String(failed)).toMatch(/statement timeout/);
    expect(await store.latestSnapshot(runId)).toBeUndefined();
    expect(await store.verifyChain(runId)).toEqual({ ok: true, count: 4 + 2 * PARTITIONS.length });
    // The next crossing saves again.
    await log.commit([unitStarted('b', PARTITIONS[0]), unitOk('b', PARTITIONS[0])]);
    expect(await log.idle()).toBeUndefined();
    expect((await store.latestSnapshot(runId))?.seq).toBe(12);
  });
});
