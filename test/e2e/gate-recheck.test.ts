// A blocked gate re-checked without failed units: `retry RUN --gate ID` appends RETRY_REQUESTED {gate}, the
// next drive evaluates the gate again, and once the data is repaired the next phase runs and the warehouse
// equals a clean run's. Refusals append nothing; a kill -9 while the gate is re-evaluated loses nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEvents, runCli, tempDir } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';
import { makeSyntheticProject, warehouseDigest } from '../support/synthetic.js';

const DATES = 20;
const HOLES = ['2024-01-03', '2024-01-09', '2024-01-10'];

/** A run blocked at gate p1: three dates have no source rows, so phase-1 coverage is 17/20 < 0.9. */
function blockedRun() {
  const dir = tempDir('phased-recheck-');
  const p = makeSyntheticProject(dir, { dates: DATES, holes: HOLES, minCoverage: 0.9 });
  const db = join(dir, 'phased.db');
  const r = runCli(['--db', db, 'run', p.plan, '--run-id', 'g1']);
  expect(r.code, r.stderr).toBe(1);
  const log = readEvents(db, 'g1');
  expect(log.filter((e) => e.type === 'GATE_FAILED').map((e) => e.data.gate)).toEqual(['p1']);
  return { ...p, db };
}

/**
 * What an upstream fix does: the source rows arrive, and phase 1's tables get those dates' rows (the same
 * values the synthetic steps compute: a = v, b = 2v, c = 3v).
 */
function repair(warehouse: string, dates: string[]): void {
  const db = new Database(warehouse);
  try {
    db.transaction(() => {
      const ins = db.prepare('INSERT INTO src VALUES (?, ?, ?)');
      for (const d of HOLES) {
        const i = dates.indexOf(d);
        for (let k = 0; k < 5; k++) ins.run(d, k, (i * 7 + k * 13) % 100);
      }
      const holes = JSON.stringify(HOLES);
      const where = 'WHERE d IN (SELECT value FROM json_each(?))';
      db.prepare(`INSERT INTO a SELECT d, k, v FROM src ${where}`).run(holes);
      db.prepare(`INSERT INTO b SELECT d, k, v * 2 FROM src ${where}`).run(holes);
      db.prepare(`INSERT INTO c SELECT d, k, v * 3 FROM src ${where}`).run(holes);
    })();
  } finally {
    db.close();
  }
}

let clean: Record<string, unknown[]>;

beforeAll(() => {
  const dir = tempDir('phased-recheck-clean-');
  const p = makeSyntheticProject(dir, { dates: DATES, minCoverage: 0.9 });
  // The clean run's gate also checks that its queries see @run_id (bound to the run's id by the driver).
  const check = `checks: [{ name: sees the run, sql: "SELECT @run_id = 'clean' AS ok, @run_id AS detail" }]`;
  const plan = readFileSync(p.plan, 'utf8').replace(
    'gate: { minCoverage: 0.9 }',
    `gate: { minCoverage: 0.9, ${check} }`,
  );
  writeFileSync(p.plan, plan);
  const db = join(dir, 'phased.db');
  const r = runCli(['--db', db, 'run', p.plan, '--run-id', 'clean']);
  expect(r.code, r.stderr).toBe(0);
  const passed = readEvents(db, 'clean').find((e) => e.type === 'GATE_PASSED' && e.data.gate === 'p1');
  expect((passed?.data.report as { checks: unknown[] } | undefined)?.checks).toEqual([
    { name: 'sees the run', ok: true, detail: 'clean' },
  ]);
  clean = warehouseDigest(p.warehouse);
}, 120_000);

describe('retry --gate', () => {
  it('refuses what cannot be re-checked; re-checks a blocked gate; the next phase runs once it passes', () => {
    const p = blockedRun();
    const cli = (args: string[]) => runCli(['--db', p.db, ...args]);
    const n = readEvents(p.db, 'g1').length;

    // Nothing failed: a plain retry has nothing to re-open, and says how to re-check or approve the gate.
    const plain = cli(['retry', 'g1']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('retry g1 --gate p1');
    // An unknown gate, a gate not reached, and --gate mixed with unit options: exit 2, named.
    const unknown = cli(['retry', 'g1', '--gate', 'zz']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no gate zz.*p1, p2/);
    const later = cli(['retry', 'g1', '--gate', 'p2']);
    expect(later.code).toBe(2);
    expect(later.stderr).toContain('gate p2 of run g1 is not evaluated yet');
    expect(later.stderr).toContain('blocked at gate p1');
    expect(cli(['retry', 'g1', '--gate', 'p1', '--step', 'a']).code).toBe(2);
    // Resume of a blocked run with nothing to retry: exit 1, the way out named, nothing appended.
    const resume = cli(['resume', 'g1']);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain('phased retry g1 --gate p1');
    expect(resume.stderr).toContain('phased approve g1 --gate p1');
    expect(readEvents(p.db, 'g1')).toHaveLength(n);

    // Re-checked before the data is fixed: evaluated again, blocked again.
    const early = cli(['retry', 'g1', '--gate', 'p1', '--reason', 'first look']);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout).toContain('RETRY_REQUESTED');
    expect(cli(['resume', 'g1']).code).toBe(1);
    let log = readEvents(p.db, 'g1');
    expect(log.filter((e) => e.type === 'GATE_FAILED')).toHaveLength(2);
    expect(
      log.filter((e) => e.type === 'UNIT_STARTED' && ['d', 'e'].includes(e.data.step as string)),
    ).toEqual([]);

    repair(p.warehouse, p.dates);
    const r = cli(['retry', 'g1', '--gate', 'p1', '--reason', 'team box scores reloaded']);
    expect(r.code, r.stderr).toBe(0);
    log = readEvents(p.db, 'g1');
    const req = log[log.length - 1];
    expect(req.type).toBe('RETRY_REQUESTED');
    expect(req.data).toMatchObject({ gate: 'p1', reason: 'team box scores reloaded', reopened: [] });
    expect(typeof req.data.by).toBe('string');
    const status = JSON.parse(cli(['status', 'g1', '--json']).stdout);
    expect(status.status).toBe('running');
    expect(status.gates.p1.status).toBe('pending');

    const done = cli(['resume', 'g1']);
    expect(done.code, done.stderr).toBe(0);
    const events = checkExactlyOnce(p.db, 'g1');
    const after = events.slice(req.seq);
    const passed = after.findIndex((e) => e.type === 'GATE_PASSED' && e.data.gate === 'p1');
    expect(passed).toBeGreaterThan(-1);
    const firstP2 = after.findIndex((e) => e.type === 'UNIT_STARTED' && e.data.step === 'd');
    expect(firstP2).toBeGreaterThan(passed);
    expect(events[events.length - 2].type).toBe('RUN_SUCCEEDED');
    // Phase 1's units ran once each (no unit re-opened); phase 2 ran every date.
    const started = (step: string) =>
      events.filter((e) => e.type === 'UNIT_STARTED' && e.data.step === step).length;
    expect(['a', 'b', 'c', 'd', 'e'].map(started)).toEqual([20, 20, 20, 20, 20]);
    expect(warehouseDigest(p.warehouse)).toEqual(clean);

    // A passed gate is not blocked: refused, named with its state, nothing appended.
    const m = readEvents(p.db, 'g1').length;
    const again = cli(['retry', 'g1', '--gate', 'p1']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('gate p1 of run g1 is passed');
    expect(readEvents(p.db, 'g1')).toHaveLength(m);
  }, 180_000);

  it('kill -9 while the gate is re-evaluated: resume evaluates it again and ends as a clean run', () => {
    const p = blockedRun();
    repair(p.warehouse, p.dates);
    const r = runCli(['--db', p.db, 'retry', 'g1', '--gate', 'p1', '--reason', 'repaired']);
    expect(r.code, r.stderr).toBe(0);
    const crashed = runCli(['--db', p.db, 'resume', 'g1'], {
      env: { PHASED_CRASH_AT: 'after-gate-evaluated' },
    });
    expect(crashed.signal, `${crashed.stdout}\n${crashed.stderr}`).toBe('SIGKILL');
    const cut = readEvents(p.db, 'g1');
    const req = cut.findLastIndex((e) => e.type === 'RETRY_REQUESTED');
    // The verdict died with the process: nothing after the request but the driver's attach.
    expect(cut.slice(req + 1).map((e) => e.type)).toEqual(['DRIVER_ATTACHED']);

    const resumed = runCli(['--db', p.db, 'resume', 'g1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = checkExactlyOnce(p.db, 'g1');
    expect(events.filter((e) => e.type === 'GATE_PASSED').map((e) => e.data.gate)).toEqual(['p1', 'p2']);
    expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
    expect(warehouseDigest(p.warehouse)).toEqual(clean);
  }, 180_000);

  it('a gate query that errors is recorded as an error, with no coverage number, in the log and in status', () => {
    const p = blockedRun();
    const wh = new Database(p.warehouse);
    wh.exec('DROP TABLE b');
    wh.close();
    expect(runCli(['--db', p.db, 'retry', 'g1', '--gate', 'p1']).code).toBe(0);
    const resumed = runCli(['--db', p.db, 'resume', 'g1']);
    expect(resumed.code).toBe(1);
    expect(resumed.stdout).toMatch(/\n +b +.*→ +gate query error/);
    const failed = readEvents(p.db, 'g1').filter((e) => e.type === 'GATE_FAILED');
    expect(failed).toHaveLength(2);
    const report = failed[1].data.report as { error: string; tables: Record<string, unknown>[] };
    expect(report.error).toContain('no such table: b');
    const b = report.tables.find((t) => t.step === 'b') as Record<string, unknown>;
    expect(b).toMatchObject({ step: 'b', table: 'b', ok: false });
    expect(b.error).toContain('no such table: b');
    for (const key of ['coverage', 'present', 'missing']) expect(b).not.toHaveProperty(key);
    // The other tables are measured as before.
    expect(report.tables.find((t) => t.step === 'a')).toMatchObject({ present: 17, missing: 3 });

    const json = JSON.parse(runCli(['--db', p.db, 'status', 'g1', '--json']).stdout);
    const jb = json.gates.p1.report.tables.find((t: { step: string }) => t.step === 'b');
    expect(jb.error).toContain('no such table: b');
    expect(jb).not.toHaveProperty('coverage');
    const text = runCli(['--db', p.db, 'status', 'g1']).stdout;
    const row = text.split('\n').find((l) => /^\s+✗ b\s/.test(l));
    expect(row).toBeDefined();
    expect(row).toContain('error');
    expect(row).not.toMatch(/\d%/);
  }, 180_000);
});
