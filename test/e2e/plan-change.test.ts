// Plan changes: resuming after the plan file changed exits 2 with a summary of what changed, unless
// --accept-plan-change, which is logged — and which never changes a run another process drives. A plan file
// that is gone is no change: the run goes on with its frozen plan, and resume says so.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { detachedRun, exited, readEvents, runCli, sleepMs, startCli, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

/** A synthetic project and its log, with run `runId` killed at its `n`th unit start. */
function crashedRun(prefix: string, dates: number, runId: string, n: number) {
  const dir = tempDir(prefix);
  const p = makeSyntheticProject(dir, { dates });
  const db = join(dir, 'phased.db');
  const crashed = runCli(['--db', db, 'run', p.plan, '--run-id', runId], {
    env: { PHASED_CRASH_AT: `after-unit-started:${n}` },
  });
  expect(crashed.signal).toBe('SIGKILL');
  return { p, db };
}

it('refuses a changed plan, then accepts it on request and logs the change', () => {
  const { p, db } = crashedRun('phased-planchange-', 10, 'pc', 5);
  const n = readEvents(db, 'pc').length;

  writeFileSync(p.plan, readFileSync(p.plan, 'utf8').replace('v * 2 AS v', 'v * 4 AS v'));
  const refused = runCli(['--db', db, 'resume', 'pc']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/step b: sql changed/);
  expect(refused.stderr).toMatch(/--accept-plan-change/);
  expect(readEvents(db, 'pc')).toHaveLength(n);

  const accepted = runCli(['--db', db, 'resume', 'pc', '--accept-plan-change']);
  expect(accepted.code, accepted.stderr).toBe(0);
  const events = readEvents(db, 'pc');
  const change = events.find((e) => e.type === 'PLAN_CHANGE_ACCEPTED');
  expect(change?.data.changes).toContain('step b: sql changed');
  expect(events[events.length - 1].state).toBe('succeeded');
});

it('resume --accept-plan-change of a run another process drives exits 4 and changes nothing', async () => {
  const { p, db } = detachedRun('phased-planchange-', { dates: 8, sleepMs: 200, concurrency: 1 }, 'pl');
  const driver = startCli(['--db', db, 'resume', 'pl']);
  const driverDone = exited(driver);
  while (!readEvents(db, 'pl').some((e) => e.type === 'UNIT_STARTED')) await sleepMs(20);
  const frozen = () => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare('SELECT plan_json, plan_hash FROM runs WHERE run_id = ?').get('pl');
    } finally {
      d.close();
    }
  };
  const before = frozen();

  writeFileSync(p.plan, readFileSync(p.plan, 'utf8').replace('v * 2 AS v', 'v * 4 AS v'));
  const r = runCli(['--db', db, 'resume', 'pl', '--accept-plan-change']);
  expect(r.code).toBe(4);
  expect(r.stderr).toContain(`driven by ${driver.pid}@`);
  expect(r.stderr).not.toContain('plan change accepted');
  expect(frozen()).toEqual(before);
  expect(readEvents(db, 'pl').some((e) => e.type === 'PLAN_CHANGE_ACCEPTED')).toBe(false);

  // The live driver carries on with the plan it froze, and the log says so.
  expect(await driverDone).toEqual({ code: 0, signal: null });
  const events = readEvents(db, 'pl');
  expect(events.some((e) => e.type === 'PLAN_CHANGE_ACCEPTED')).toBe(false);
  expect(events[events.length - 1].state).toBe('succeeded');
  const wh = new Database(p.warehouse, { readonly: true });
  try {
    const off = wh
      .prepare('SELECT COUNT(*) FROM b JOIN src ON b.d = src.d AND b.k = src.k WHERE b.v != src.v * 2')
      .pluck()
      .get();
    expect(off).toBe(0);
    expect(wh.prepare('SELECT COUNT(*) FROM b').pluck().get()).toBe(p.dates.length * 5);
  } finally {
    wh.close();
  }
});

it('resumes with the frozen plan when the plan file is gone, and says so', () => {
  const { p, db } = crashedRun('phased-plangone-', 6, 'pg', 3);
  renameSync(p.plan, `${p.plan}.moved`);
  const resumed = runCli(['--db', db, 'resume', 'pg']);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stderr).toContain(
    `note: the plan file ${p.plan} is no longer there; run pg goes on with its plan as frozen when it was created (hash `,
  );
  const events = readEvents(db, 'pg');
  expect(events.some((e) => e.type === 'PLAN_CHANGE_ACCEPTED')).toBe(false);
  expect(events[events.length - 1].state).toBe('succeeded');
});
