// Crash points on PostgreSQL: PHASED_CRASH_AT kills `phased run --db postgres://…` with SIGKILL inside a snapshot's
// write, between an append and its effects, after a unit's start, and with two appends in flight; `phased resume` must end with the warehouse
// of an uninterrupted run, a gapless log that verifies, each unit succeeded once, and the same final state.
// Also: killed while its append waits at the server, so that append commits after the process is gone.
import { join } from 'node:path';
import pgClient from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, readEvents, runCli, startCli, tempDir, waitFor } from '../support/cli.js';
import { startTestPg, type TestPg } from '../support/pg.js';
import { makeSyntheticProject, warehouseDigest } from '../support/synthetic.js';

const OPTS = { dates: 20, flaky: ['2024-01-04'] };
const ENV = { PHASED_SNAPSHOT_EVERY: '40' };

let pg: TestPg;
let reference: { digest: Record<string, unknown[]>; state: unknown };

beforeAll(async () => {
  pg = await startTestPg();
  // The reference: the same project run once, uninterrupted, on an SQLite log.
  const dir = tempDir('phased-pg-crash-ref-');
  const p = makeSyntheticProject(dir, OPTS);
  const db = join(dir, 'phased.db');
  const r = runCli(['--db', db, 'run', p.plan, '--run-id', 'ref'], { env: ENV });
  expect(r.code, r.stderr).toBe(0);
  const events = readEvents(db, 'ref');
  reference = { digest: warehouseDigest(p.warehouse), state: events[events.length - 1].state };
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

interface Row {
  seq: number;
  type: string;
  data: Record<string, unknown>;
  state: string;
}

async function eventsOf(schema: string, runId: string): Promise<Row[]> {
  const rows = await pg.sql<{ seq: number; type: string; data: string; state: string }>(
    `SELECT seq, type, data, state FROM ${schema}.events WHERE run_id = $1 ORDER BY seq`,
    [runId],
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq), data: JSON.parse(r.data) }));
}

/** `phased resume` finishes the run as an uninterrupted one would: same warehouse and state, a clean log. */
async function expectResumedClean(schema: string, db: string, warehouse: string): Promise<void> {
  const resumed = runCli(['--db', db, 'resume', 'x'], { env: ENV });
  expect(resumed.code, resumed.stderr).toBe(0);

  const events = await eventsOf(schema, 'x');
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const succeeded = events
    .filter((e) => e.type === 'UNIT_SUCCEEDED')
    .map((e) => `${e.data.step}/${e.data.partition}`);
  expect(new Set(succeeded).size).toBe(succeeded.length);
  expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
  expect(JSON.parse(events[events.length - 1].state)).toEqual(reference.state);
  expect(warehouseDigest(warehouse)).toEqual(reference.digest);

  // The chain and every snapshot verify, and a rebuild from what the kill left gives the final state.
  const verify = runCli(['--db', db, 'replay', 'x', '--verify']);
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  const status = runCli(['--db', db, 'status', 'x', '--json']);
  expect(JSON.parse(status.stdout).state).toEqual(reference.state);
  const snapshots = await pg.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${schema}.snapshots WHERE run_id = 'x'`,
  );
  expect(snapshots[0].n).toBeGreaterThanOrEqual(1);
  expect(snapshots[0].n).toBeLessThanOrEqual(3);
}

const cases: { point: string; n: number }[] = [
  { point: 'during-snapshot', n: 2 },
  { point: 'after-append-before-send', n: 30 },
  { point: 'after-unit-started', n: 25 },
  // A batch on the wire while the one before it is still on the server (the driver pipelines a run's appends).
  // Counts every timing reaches: each of the five steps' first wave (3 starts queued at once) goes out either as
  // two batches back to back (nothing in flight) or behind a batch in flight. Further passages depend on how units
  // and appends overlap, which a loaded machine changes.
  { point: 'after-pipelined-send', n: 1 },
  { point: 'after-pipelined-send', n: 3 },
];

describe('crash at named points on PostgreSQL, then resume', () => {
  for (const c of cases) {
    it(`${c.point}:${c.n}`, async () => {
      const p = makeSyntheticProject(tempDir('phased-pg-crash-'), OPTS);
      const schema = pg.schema();
      const db = `${pg.url}?schema=${schema}`;
      const crashed = runCli(['--db', db, 'run', p.plan, '--run-id', 'x'], {
        env: { ...ENV, PHASED_CRASH_AT: `${c.point}:${c.n}` },
      });
      expect(crashed.signal, `${crashed.stdout}\n${crashed.stderr}`).toBe('SIGKILL');
      expect((await eventsOf(schema, 'x')).some((e) => e.type === 'RUN_SUCCEEDED')).toBe(false);

      await expectResumedClean(schema, db, p.warehouse);
    });
  }

  it('killed while its append waits at the server: that append commits after the kill, and resume goes on from it', async () => {
    const p = makeSyntheticProject(tempDir('phased-pg-crash-'), OPTS);
    const schema = pg.schema();
    const db = `${pg.url}?schema=${schema}`;
    const child = startCli(['--db', db, 'run', p.plan, '--run-id', 'x'], { env: ENV });
    const blocker = new pgClient.Client({ connectionString: pg.url, options: `-c search_path=${schema}` });
    await blocker.connect();
    try {
      await waitFor(
        async () =>
          (await eventsOf(schema, 'x').catch(() => [])).filter((e) => e.type === 'UNIT_SUCCEEDED').length >=
          3,
        'three units to succeed',
      );
      // Hold the run's head: the driver's next append waits on it inside its transaction.
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM run_heads WHERE run_id = 'x' FOR UPDATE`);
      // Backends waiting for the lock the blocker holds (this server is shared with other test files, whose appends
      // may wait on locks of their own): the run's append, and nothing else.
      const blocked = `SELECT pid, query FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))`;
      const appendPid = await waitFor(async () => {
        const rows = (await blocker.query<{ pid: number; query: string }>(blocked)).rows;
        const appends = rows.filter((r) => r.query.includes('append_events'));
        if (appends.length > 1)
          throw new Error(`${appends.length} appends wait on the run's head; one was expected`);
        if (appends.length === 1) return appends[0].pid;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `the run exited (${child.exitCode ?? child.signalCode}) before an append waited on its head`,
          );
        }
        if ((await eventsOf(schema, 'x')).some((e) => e.type === 'RUN_SUCCEEDED')) {
          throw new Error('the run ended before an append waited on its head');
        }
        return undefined;
      }, 'an append to wait').catch(async (err: Error) => {
        // What the run's connections were doing instead, for the report.
        const activity = await blocker.query(
          `SELECT pid, state, wait_event_type, wait_event, left(query, 120) AS query, pg_blocking_pids(pid) AS blockers
             FROM pg_stat_activity WHERE application_name = 'phased' AND datname = current_database()`,
        );
        throw new Error(
          `${err.message}; blocker ${await blocker.query('SELECT pg_backend_pid() AS pid').then((r) => r.rows[0].pid)}; phased backends: ${JSON.stringify(activity.rows)}`,
        );
      });
      child.kill('SIGKILL');
      expect((await exited(child)).signal).toBe('SIGKILL');
      const before = (await eventsOf(schema, 'x')).length;
      await blocker.query('COMMIT');
      // The orphaned backend goes on once the head is free: its append commits although its client is dead.
      const busy = `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state <> 'idle'`;
      await waitFor(async () => (await blocker.query(busy, [appendPid])).rowCount === 0, 'the append to end');
      const after = await eventsOf(schema, 'x');
      expect(after.length).toBeGreaterThan(before);
      expect(after.some((e) => e.type === 'RUN_SUCCEEDED')).toBe(false);
    } finally {
      child.kill('SIGKILL');
      await blocker.end();
    }
    await expectResumedClean(schema, db, p.warehouse);
  });
});
