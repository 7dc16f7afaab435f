// Failed units are retried on resume, never skipped: a run blocked by final failures resumes, re-opens exactly
// those units (rebuilt from a snapshot taken after they failed), and ends like a run that never failed, even
// when the resumed driver is killed while re-running one of them.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LoggedRow, readEvents, runCli, tempDir } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';
import { makeSyntheticProject, warehouseDigest } from '../support/synthetic.js';

const FLAKY = ['2024-01-03', '2024-01-07'];
// Small, so the resume rebuilds from a snapshot that already counts the final failures.
const env = { PHASED_SNAPSHOT_EVERY: '7' };

function project(retries: number) {
  const dir = tempDir('phased-reopen-');
  const p = makeSyntheticProject(dir, { dates: 10, flaky: FLAKY, retries });
  return { ...p, db: join(dir, 'phased.db') };
}

const finalFailures = (events: LoggedRow[]) =>
  events
    .filter((e) => e.type === 'UNIT_FAILED' && e.data.final === true)
    .map((e) => `${e.data.step}/${e.data.partition}`)
    .sort();

let reference: { digest: Record<string, unknown[]>; state: unknown };

beforeAll(() => {
  // The same dates fail once and are retried within the run.
  const p = project(3);
  const r = runCli(['--db', p.db, 'run', p.plan, '--run-id', 'ref'], { env });
  expect(r.code, r.stderr).toBe(0);
  const events = readEvents(p.db, 'ref');
  reference = { digest: warehouseDigest(p.warehouse), state: events[events.length - 1].state };
});

function blockedRun() {
  const p = project(0);
  const r = runCli(['--db', p.db, 'run', p.plan, '--run-id', 'x'], { env });
  // No retries: the flaky dates fail for good, step c's table misses them and the phase-1 gate holds.
  expect(r.code, r.stderr).toBe(1);
  const events = readEvents(p.db, 'x');
  expect(finalFailures(events)).toEqual(FLAKY.map((d) => `c/${d}`));
  expect(events.some((e) => e.type === 'GATE_FAILED')).toBe(true);
  return p;
}

function expectLikeReference(p: { db: string; warehouse: string }): LoggedRow[] {
  const events = checkExactlyOnce(p.db, 'x');
  expect(warehouseDigest(p.warehouse)).toEqual(reference.digest);
  expect(events[events.length - 1].state).toEqual(reference.state);
  expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
  // Re-opened once, for exactly the units that failed.
  const retries = events.filter((e) => e.type === 'RETRY_REQUESTED');
  expect(retries).toHaveLength(1);
  expect(retries[0].data.reopened).toEqual([{ step: 'c', count: FLAKY.length }]);
  for (const d of FLAKY) {
    const again = events.filter(
      (e) => e.seq > retries[0].seq && e.data.step === 'c' && e.data.partition === d,
    );
    expect(again.some((e) => e.type === 'UNIT_SUCCEEDED')).toBe(true);
  }
  return events;
}

describe('resume re-opens failed units', () => {
  it('retries the failed units of a blocked run and finishes it', () => {
    const p = blockedRun();
    const resumed = runCli(['--db', p.db, 'resume', 'x'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expectLikeReference(p);
  });

  it('survives a kill -9 while a re-opened unit runs, without re-opening twice', () => {
    const p = blockedRun();
    const crashed = runCli(['--db', p.db, 'resume', 'x'], {
      env: { ...env, PHASED_CRASH_AT: 'after-unit-started:1' },
    });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const cut = readEvents(p.db, 'x');
    expect(cut.filter((e) => e.type === 'RETRY_REQUESTED')).toHaveLength(1);

    const resumed = runCli(['--db', p.db, 'resume', 'x'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = expectLikeReference(p);
    // Every re-opened unit in flight at the kill (both may start in one commit) is re-run once, in doubt.
    const inDoubt = events
      .filter((e) => e.type === 'UNIT_STARTED' && e.data.reason === 'in-doubt')
      .map((e) => String(e.data.partition));
    expect(inDoubt.length).toBeGreaterThanOrEqual(1);
    expect(new Set(inDoubt).size).toBe(inDoubt.length);
    for (const d of inDoubt) expect(FLAKY).toContain(d);
  });

  it('appends no retry when nothing failed', () => {
    const p = project(3);
    const crashed = runCli(['--db', p.db, 'run', p.plan, '--run-id', 'x'], {
      env: { ...env, PHASED_CRASH_AT: 'after-warehouse-commit:12' },
    });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const resumed = runCli(['--db', p.db, 'resume', 'x'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = checkExactlyOnce(p.db, 'x');
    expect(events.filter((e) => e.type === 'RETRY_REQUESTED')).toHaveLength(0);
    expect(warehouseDigest(p.warehouse)).toEqual(reference.digest);
  });
});
