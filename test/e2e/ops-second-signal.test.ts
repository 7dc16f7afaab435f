// A second SIGINT/SIGTERM ends the grace: the driver detaches at once instead of waiting for in-flight units (here
// command steps that sleep for two minutes). The run and the daemon exit with their signal's code, the log ends
// with DRIVER_DETACHED and the units still open, and a resume kills the orphans and re-runs each unit once.
// Without the second signal, `run` waits out its 30 s grace and the daemon the hour it is given: past each
// test's time limit. A SQLite statement cannot be stopped midway: the daemon and `run` let the run go at once and
// wait for the statement to end before they exit, saying so and appending nothing more.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type CommandProject, makeCommandProject } from '../support/bq-command-project.js';
import { alive, readEvents, runCli, tempDir } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';
import { type Child, events, start, waitFor } from '../support/ops.js';

const orphans: number[] = [];

afterEach(() => {
  for (const pid of orphans.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** Both units' first attempts are running (their scripts wrote their markers and sleep); their pids. */
async function sleepers(p: CommandProject): Promise<number[]> {
  const files = p.dates.map((d) => join(p.markers, `orphan.${d}.1`));
  await waitFor(
    () => files.every((f) => existsSync(f) && readFileSync(f, 'utf8').includes('prevAlive')),
    'sleepers',
  );
  const pids = files.map((f) => Number(readFileSync(f, 'utf8').split(' ')[0]));
  orphans.push(...pids);
  return pids;
}

/** Signal `child` once, wait until it says it is finishing, then signal it again. */
async function signalTwice(child: Child, sig: NodeJS.Signals): Promise<void> {
  child.proc.kill(sig);
  await waitFor(
    () => child.err().includes(`${sig}: finishing in-flight units`),
    'the first signal to be taken',
  );
  child.proc.kill(sig);
}

/** The log ends detached by `sig` with both units started and no result; a resume then finishes the run. */
function expectDetachedThenResumable(p: CommandProject, runId: string, sig: string, pids: number[]): void {
  const log = readEvents(p.db, runId);
  expect(log.at(-1)).toMatchObject({ type: 'DRIVER_DETACHED', data: { reason: sig } });
  expect(log.filter((e) => e.type === 'UNIT_STARTED')).toHaveLength(2);
  expect(log.some((e) => e.type === 'UNIT_SUCCEEDED' || e.type === 'UNIT_FAILED')).toBe(false);
  for (const pid of pids) expect(alive(pid)).toBe(true);

  const r = runCli(['--db', p.db, 'resume', runId]);
  expect(r.code, r.stderr).toBe(0);
  for (const pid of pids) expect(alive(pid)).toBe(false);
  const events = checkExactlyOnce(p.db, runId);
  expect(events.filter((e) => e.type === 'UNIT_SUCCEEDED')).toHaveLength(2);
  expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
  for (const d of p.dates) {
    expect(readFileSync(join(p.markers, `orphan.${d}.2`), 'utf8')).toMatch(/prevAlive=false/);
  }
}

/**
 * A SQLite project whose one unit computes for seconds (a recursive count in its SELECT), so its statement is
 * still running when the driver detaches; returns the plan and the warehouse.
 */
function slowSqliteProject(dir: string): { plan: string; warehouse: string } {
  const warehouse = join(dir, 'warehouse.db');
  const db = new Database(warehouse);
  db.exec(`CREATE TABLE calendar (d TEXT PRIMARY KEY); INSERT INTO calendar VALUES ('2024-01-01');
           CREATE TABLE src (d TEXT, k INTEGER); INSERT INTO src VALUES ('2024-01-01', 1), ('2024-01-01', 2);`);
  db.close();
  const burn =
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT count(*) FROM c';
  const plan = join(dir, 'plan.yaml');
  writeFileSync(
    plan,
    `version: 1
name: slow
range: { start: 2024-01-01, end: 2024-01-01 }
warehouse: { kind: sqlite, path: warehouse.db }
partitionColumn: d
partitions: SELECT d AS partition FROM calendar WHERE d BETWEEN @start AND @end
phases:
  - id: p
    steps:
      - id: out
        table: out
        ddl: "CREATE TABLE IF NOT EXISTS out (d TEXT NOT NULL, k INTEGER)"
        sql: "SELECT d, k FROM src WHERE d = @partition AND (${burn}) > 0"
    gate: { minCoverage: 1 }
`,
  );
  return { plan, warehouse };
}

const EXPECTED_OUT = [
  { d: '2024-01-01', k: 1 },
  { d: '2024-01-01', k: 2 },
];

function outRows(warehouse: string): unknown[] {
  const wh = new Database(warehouse, { readonly: true });
  try {
    return wh.prepare('SELECT d, k FROM out ORDER BY k').all();
  } finally {
    wh.close();
  }
}

/**
 * A daemon driving a new run `runId` of a slow project, signalled twice once the unit started; returns once the
 * run's DRIVER_DETACHED is in the log, the unit's statement still running.
 */
async function daemonDetachedMidStatement(prefix: string, runId: string) {
  const dir = tempDir(prefix);
  const p = slowSqliteProject(dir);
  const db = join(dir, 'phased.db');
  expect(runCli(['--db', db, 'run', p.plan, '--run-id', runId, '--detach']).code).toBe(0);
  const daemon = start(db, ['daemon', '--grace-ms', '3600000'], { PHASED_LINGER_MS: '0' });
  await waitFor(() => events(db, runId).some((e) => e.type === 'UNIT_STARTED'), 'the unit to start');
  await signalTwice(daemon, 'SIGTERM');
  await waitFor(() => events(db, runId).some((e) => e.type === 'DRIVER_DETACHED'), 'the detach');
  return { db, warehouse: p.warehouse, daemon };
}

/**
 * The resumed run ended as an uninterrupted one: right behind the detach comes the resume's attach (no result of
 * the detached driver's unit follows it), and the unit succeeded once.
 */
function expectEndedOnce(db: string, runId: string, warehouse: string) {
  const log = checkExactlyOnce(db, runId);
  const detach = log.findIndex((e) => e.type === 'DRIVER_DETACHED');
  expect(log[detach + 1]).toMatchObject({ type: 'DRIVER_ATTACHED' });
  expect(log.filter((e) => e.type === 'UNIT_FAILED')).toEqual([]);
  expect(log.filter((e) => e.type === 'UNIT_SUCCEEDED')).toHaveLength(1);
  expect(log.at(-2)).toMatchObject({ type: 'RUN_SUCCEEDED' });
  expect(outRows(warehouse)).toEqual(EXPECTED_OUT);
  return log;
}

describe('a second signal', () => {
  it('makes `phased run` detach now: exit 130, resumable', async () => {
    const p = makeCommandProject(tempDir('phased-2sig-run-'), [{ mode: 'orphan' }], { dates: 2 });
    const child = start(p.db, ['run', p.plan, '--run-id', 'r2']);
    const pids = await sleepers(p);
    await signalTwice(child, 'SIGINT');
    expect(await child.exit, child.err()).toBe(130);
    expect(child.err()).toContain('SIGINT again: detaching now, without waiting for in-flight units');
    expect(child.err()).not.toMatch(/internal error|\n\s+at /);
    expectDetachedThenResumable(p, 'r2', 'SIGINT', pids);
  }, 25_000);

  it('makes the daemon detach every run now, whatever its --grace-ms: exit 143, resumable', async () => {
    const p = makeCommandProject(tempDir('phased-2sig-daemon-'), [{ mode: 'orphan' }], { dates: 2 });
    expect(runCli(['--db', p.db, 'run', p.plan, '--run-id', 'd2', '--detach']).code).toBe(0);
    const daemon = start(p.db, ['daemon', '--grace-ms', '3600000']);
    const pids = await sleepers(p);
    await signalTwice(daemon, 'SIGTERM');
    expect(await daemon.exit, daemon.err()).toBe(143);
    expect(daemon.err()).toContain('signal again: detaching now');
    expectDetachedThenResumable(p, 'd2', 'SIGTERM', pids);
  }, 60_000);

  it('lets the run go while a SQLite statement still runs: a resume drives it at once, the daemon appends nothing more', async () => {
    const { db, warehouse, daemon } = await daemonDetachedMidStatement('phased-2sig-sqlite-', 's2');
    // The daemon waits for its statement (seconds of counting) before it exits, and says so; the run is not its
    // any more.
    await waitFor(
      () => daemon.err().includes('run s2: detached; waiting for warehouse work'),
      'the daemon to say why',
    );
    expect(daemon.proc.exitCode).toBeNull();
    const resumed = runCli(['--db', db, 'resume', 's2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await daemon.exit, daemon.err()).toBe(143);
    const log = expectEndedOnce(db, 's2', warehouse);
    expect(log.find((e) => e.type === 'DRIVER_DETACHED')).toMatchObject({ data: { reason: 'SIGTERM' } });
  }, 90_000);

  it('makes `phased run` say what it waits for when a SQLite statement outlives the detach: exit 130, resumable', async () => {
    const dir = tempDir('phased-2sig-sqlite-run-');
    const p = slowSqliteProject(dir);
    const db = join(dir, 'phased.db');
    const child = start(db, ['run', p.plan, '--run-id', 's4'], { PHASED_LINGER_MS: '0' });
    await waitFor(() => events(db, 's4').some((e) => e.type === 'UNIT_STARTED'), 'the unit to start');
    await signalTwice(child, 'SIGINT');
    await waitFor(
      () => child.err().includes('waiting for warehouse work still running to end'),
      'the reason',
    );
    expect(child.err()).toMatch(
      /nothing it computes is written\); `.* resume s4 --db .*` may start meanwhile/,
    );
    expect(await child.exit, child.err()).toBe(130);
    expect(events(db, 's4').at(-1)).toMatchObject({ type: 'DRIVER_DETACHED', data: { reason: 'SIGINT' } });
    const resumed = runCli(['--db', db, 'resume', 's4']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEndedOnce(db, 's4', p.warehouse);
  }, 90_000);

  it('killed with SIGKILL after that detach, while its statement runs: the resume ends the run as before', async () => {
    const { db, warehouse, daemon } = await daemonDetachedMidStatement('phased-2sig-sqlite-kill-', 's3');
    daemon.proc.kill('SIGKILL');
    expect(await daemon.exit).toBeNull();
    const resumed = runCli(['--db', db, 'resume', 's3']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEndedOnce(db, 's3', warehouse);
  }, 90_000);
});
