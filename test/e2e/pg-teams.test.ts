// Teams on PostgreSQL, end to end with the real CLI and a real server: three daemons killed at random finish
// three runs exactly once; a driver frozen past its lease appends nothing after a takeover and exits 4; a server
// restart mid-run loses and duplicates nothing; a bad connection string exits 2 without showing the password, and
// the commands phased suggests (resume, daemon, status) show it as ***.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng, sleepMs } from '../support/cli.js';
import { cli, type Row, slowProject, start, tmp, waitFor } from '../support/ops.js';
import { startTestPg, type TestPg } from '../support/pg.js';
import { warehouseDigest } from '../support/synthetic.js';

let pg: TestPg;
beforeAll(async () => {
  pg = await startTestPg({ own: true }); // its own: the test restarts it
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

/** A connection string for a fresh schema of the test server. */
function dbUrl(): { url: string; schema: string } {
  const schema = pg.schema();
  return { url: `${pg.url}?schema=${schema}`, schema };
}

/** A query on a schema the CLI may not have created yet: no rows until it has. */
async function rowsOf<T extends object>(text: string, values: unknown[]): Promise<T[]> {
  try {
    return (await pg.sql(text, values)) as T[];
  } catch (err) {
    if ((err as { code?: string }).code === '42P01' || (err as { code?: string }).code === '3F000') return [];
    throw err;
  }
}

async function eventsOf(schema: string, runId: string): Promise<Row[]> {
  const rows = await rowsOf<{ seq: string; at: string; type: string; data: string; state: string }>(
    `SELECT seq, at, type, data, state FROM ${schema}.events WHERE run_id = $1 ORDER BY seq`,
    [runId],
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq), data: JSON.parse(r.data) }));
}

/** Waits until a unit of the run has succeeded: its driver is under way. */
function underWay(schema: string, runId: string): Promise<boolean> {
  return waitFor(
    async () => (await eventsOf(schema, runId)).some((e) => e.type === 'UNIT_SUCCEEDED'),
    `run ${runId} under way`,
    60_000,
  );
}

async function statusOf(schema: string, runId: string): Promise<string | undefined> {
  const rows = await rowsOf<{ status: string }>(`SELECT status FROM ${schema}.run_heads WHERE run_id = $1`, [
    runId,
  ]);
  return rows[0]?.status;
}

/** The log's own guarantees: seqs 1..n with no gap, and no unit that succeeded twice. */
function checkLog(rows: Row[], runId: string): Map<string, number> {
  expect(
    rows.map((r) => r.seq),
    runId,
  ).toEqual(rows.map((_, i) => i + 1));
  const ok = new Map<string, number>();
  for (const r of rows) {
    if (r.type !== 'UNIT_SUCCEEDED') continue;
    const key = `${r.data.step}/${r.data.partition}`;
    ok.set(key, (ok.get(key) ?? 0) + 1);
  }
  expect(
    [...ok].filter(([, n]) => n > 1),
    `${runId}: units that succeeded more than once`,
  ).toEqual([]);
  return ok;
}

/** The same project run once on an SQLite log without interruption: the warehouse every other run must equal. */
function cleanWarehouse(opts: Parameters<typeof slowProject>[1]): Record<string, unknown[]> {
  const dir = tmp('phased-pg-ref-');
  const p = slowProject(join(dir, 'p'), { ...opts, sleepMs: 0 });
  const r = cli(join(dir, 'phased.db'), ['run', p.plan, '--run-id', 'ref']);
  expect(r.code, r.stderr).toBe(0);
  return warehouseDigest(p.warehouse);
}

describe('phased on PostgreSQL', () => {
  it('three daemons killed at random: every run finishes once, gapless, verified, with a clean warehouse', async () => {
    const { url, schema } = dbUrl();
    const dir = tmp('phased-pg-daemons-');
    const opts = { dates: 8, sleepMs: 60, concurrency: 2 };
    const projects = [1, 2, 3].map((n) => slowProject(join(dir, `p${n}`), opts));
    for (const [i, p] of projects.entries()) {
      const r = cli(url, ['run', p.plan, '--run-id', `r${i + 1}`, '--detach']);
      expect(r.code, r.stderr).toBe(0);
    }
    const runs = ['r1', 'r2', 'r3'];
    const daemons = [0, 1, 2].map(() => start(url, ['daemon']));
    const random = prng(20261129);
    let kills = 0;
    const allDone = async () =>
      (await Promise.all(runs.map((r) => statusOf(schema, r)))).every((s) => s === 'succeeded');
    while (kills < 6 && !(await allDone())) {
      // Kill only once some daemon has moved some run on since the last kill.
      const before = (await Promise.all(runs.map((r) => eventsOf(schema, r)))).flat().length;
      await waitFor(
        async () =>
          (await Promise.all(runs.map((r) => eventsOf(schema, r)))).flat().length > before + 3 ||
          (await allDone()),
        'progress since the last kill',
        60_000,
      );
      await sleepMs(random() * 300);
      const i = Math.floor(random() * daemons.length);
      daemons[i].proc.kill('SIGKILL');
      await daemons[i].exit;
      kills++;
      daemons[i] = start(url, ['daemon']);
    }
    await waitFor(allDone, 'all three runs succeeded', 120_000);
    for (const d of daemons) d.proc.kill('SIGTERM');
    await Promise.all(daemons.map((d) => d.exit));
    expect(kills).toBeGreaterThanOrEqual(3);

    const clean = cleanWarehouse(opts);
    for (const [i, runId] of runs.entries()) {
      const rows = await eventsOf(schema, runId);
      const ok = checkLog(rows, runId);
      expect(ok.size, runId).toBe(8 * 5);
      const verify = cli(url, ['replay', runId, '--verify']);
      expect(verify.code, verify.stderr).toBe(0);
      expect(warehouseDigest(projects[i].warehouse), runId).toEqual(clean);
    }
  }, 300_000);

  it('fences a driver frozen past its lease: after a takeover it appends nothing and exits 4', async () => {
    const { url, schema } = dbUrl();
    const dir = tmp('phased-pg-fence-');
    const opts = { dates: 6, sleepMs: 150, concurrency: 1 };
    const p = slowProject(join(dir, 'p'), opts);
    const first = start(url, ['run', p.plan, '--run-id', 'f1']);
    await underWay(schema, 'f1');
    first.proc.kill('SIGSTOP');
    // Past its lease (3 s in tests): the row's expiry is in the past.
    await waitFor(
      async () => {
        const [row] = await rowsOf<{ exp: string | null }>(
          `SELECT lease_expires_at AS exp FROM ${schema}.runs WHERE run_id = $1`,
          ['f1'],
        );
        return row?.exp !== null && row !== undefined && Date.parse(row.exp ?? '') < Date.now();
      },
      'the frozen driver’s lease expired',
      30_000,
    );
    const second = start(url, ['resume', 'f1']);
    await waitFor(
      async () =>
        (await eventsOf(schema, 'f1')).some(
          (e) => e.type === 'DRIVER_ATTACHED' && e.data.pid === second.proc.pid,
        ),
      'the second driver attached',
      60_000,
    );
    const headAtTakeover = (await eventsOf(schema, 'f1')).length;
    first.proc.kill('SIGCONT');
    expect(await first.exit).toBe(4);
    expect(first.err()).toMatch(/lease/i);
    expect(await second.exit).toBe(0);

    const rows = await eventsOf(schema, 'f1');
    checkLog(rows, 'f1');
    // Exactly one driver at a time: after the takeover, only the second driver attached or detached.
    const drivers = rows.filter((e) => e.type === 'DRIVER_ATTACHED' || e.type === 'DRIVER_DETACHED');
    expect(drivers.map((e) => [e.type, e.data.pid])).toEqual([
      ['DRIVER_ATTACHED', first.proc.pid],
      ['DRIVER_ATTACHED', second.proc.pid],
      ['DRIVER_DETACHED', second.proc.pid],
    ]);
    expect(
      rows.find((e) => e.type === 'DRIVER_ATTACHED' && e.data.pid === second.proc.pid)?.data.reason,
    ).toBe('takeover');
    expect(rows.length).toBeGreaterThan(headAtTakeover);
    expect(await statusOf(schema, 'f1')).toBe('succeeded');
    expect(warehouseDigest(p.warehouse)).toEqual(cleanWarehouse(opts));
    const verify = cli(url, ['replay', 'f1', '--verify']);
    expect(verify.code, verify.stderr).toBe(0);
  }, 180_000);

  it('survives a server restart mid-run: the run ends with nothing lost or duplicated', async () => {
    const { url, schema } = dbUrl();
    const dir = tmp('phased-pg-restart-');
    const opts = { dates: 6, sleepMs: 80, concurrency: 2 };
    const p = slowProject(join(dir, 'p'), opts);
    let driver = start(url, ['run', p.plan, '--run-id', 'x1']);
    await waitFor(
      async () => (await eventsOf(schema, 'x1')).filter((e) => e.type === 'UNIT_SUCCEEDED').length >= 3,
      'the run under way',
      60_000,
    );
    await pg.restart();
    let code = await driver.exit;
    // The driver rides the restart out, or stops with a retryable store error; a resume then finishes the run.
    for (let i = 0; i < 3 && code !== 0; i++) {
      driver = start(url, ['resume', 'x1']);
      code = await driver.exit;
    }
    expect(code, driver.err()).toBe(0);
    const rows = await eventsOf(schema, 'x1');
    const ok = checkLog(rows, 'x1');
    expect(ok.size).toBe(6 * 5);
    expect(warehouseDigest(p.warehouse)).toEqual(cleanWarehouse(opts));
    const verify = cli(url, ['replay', 'x1', '--verify']);
    expect(verify.code, verify.stderr).toBe(0);
  }, 180_000);

  it('survives a server crash mid-run (no checkpoint, unflushed WAL lost): nothing lost or duplicated, snapshots verify', async () => {
    const { url, schema } = dbUrl();
    const dir = tmp('phased-pg-crash-');
    const opts = { dates: 6, sleepMs: 80, concurrency: 2 };
    const p = slowProject(join(dir, 'p'), opts);
    // Snapshots every 8 events: their commits skip the WAL flush, so the crash may take the newest with it.
    const env = { PHASED_SNAPSHOT_EVERY: '8' };
    let driver = start(url, ['run', p.plan, '--run-id', 'x2'], env);
    const snapshots = async () =>
      (
        await rowsOf<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.snapshots WHERE run_id = $1`, [
          'x2',
        ])
      )[0]?.n ?? 0;
    await waitFor(
      async () =>
        (await snapshots()) >= 2 &&
        (await eventsOf(schema, 'x2')).filter((e) => e.type === 'UNIT_SUCCEEDED').length >= 3,
      'the run under way with snapshots saved',
      60_000,
    );
    await pg.crash();
    let code = await driver.exit;
    for (let i = 0; i < 3 && code !== 0; i++) {
      driver = start(url, ['resume', 'x2'], env);
      code = await driver.exit;
    }
    expect(code, driver.err()).toBe(0);
    const rows = await eventsOf(schema, 'x2');
    expect(checkLog(rows, 'x2').size).toBe(6 * 5);
    expect(warehouseDigest(p.warehouse)).toEqual(cleanWarehouse(opts));
    // The chain and every snapshot verify, and a rebuild from the newest snapshot gives the final state.
    const verify = cli(url, ['replay', 'x2', '--verify']);
    expect(verify.code, verify.stderr).toBe(0);
    const status = cli(url, ['status', 'x2', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).state).toEqual(JSON.parse(rows[rows.length - 1].state));
  }, 180_000);

  it('exits 2 naming host and database, never the password, for an unreachable server or wrong credentials', async () => {
    const dir = tmp('phased-pg-bad-');
    const p = slowProject(join(dir, 'p'), { dates: 2 });
    const wrong = new URL(pg.url);
    wrong.password = 'not-the-password-xyz';
    const closed = new URL(pg.url);
    closed.port = '1';
    for (const url of [wrong.toString(), closed.toString()]) {
      const r = cli(url, ['run', p.plan, '--run-id', 'b1']);
      expect(r.code, r.stderr).toBe(2);
      const u = new URL(url);
      expect(r.stderr).toContain(u.hostname);
      expect(r.stderr).toContain(u.pathname.slice(1));
      expect(r.stderr).not.toContain(u.password);
      expect(r.stderr).not.toContain(pg.password);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await pg.sql(`SELECT 1 FROM pg_namespace WHERE nspname = 'phased'`)).toEqual([]);
  }, 120_000);

  it('shows the password as *** in the commands it suggests: after --detach and after an interrupt', async () => {
    const { url, schema } = dbUrl();
    const dir = tmp('phased-pg-hint-');
    const p = slowProject(join(dir, 'p'), { dates: 6, sleepMs: 200, concurrency: 1 });
    const shown = url.replace(`:${pg.password}@`, ':***@');
    expect(shown).not.toBe(url);

    const detached = cli(url, ['run', p.plan, '--run-id', 'h1', '--detach']);
    expect(detached.code, detached.stderr).toBe(0);
    expect(detached.stdout + detached.stderr).not.toContain(pg.password);
    expect(detached.stdout).toContain(`daemon --db '${shown}'`);
    expect(detached.stdout).toContain(`status h1 --db '${shown}'`);

    const run = start(url, ['run', p.plan, '--run-id', 'h2']);
    await underWay(schema, 'h2');
    run.proc.kill('SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.out() + run.err()).not.toContain(pg.password);
    // The stderr line at the signal and the closing line both say how to resume.
    expect(run.err()).toContain(`resume h2 --db '${shown}'`);
    expect(run.out()).toContain(`run h2 interrupted by SIGINT; resume with`);
    expect(run.out()).toContain(`resume h2 --db '${shown}'`);
    expect((await eventsOf(schema, 'h2')).at(-1)?.type).toBe('DRIVER_DETACHED');
  }, 120_000);
});
