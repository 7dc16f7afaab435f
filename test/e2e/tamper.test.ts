// Tampering is caught: one changed byte in one event's data makes verification name the seq, and resume
// refuses the run (exit 2) without appending anything. The frozen plan is evidence too.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import { readEvents, runCli, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

function flipOneByte(db: string, runId: string, seq: number): void {
  const d = new Database(db);
  const row = d.prepare('SELECT data FROM events WHERE run_id = ? AND seq = ?').get(runId, seq) as {
    data: string;
  };
  const i = row.data.indexOf('2024-');
  const changed = `${row.data.slice(0, i + 3)}${row.data[i + 3] === '4' ? '5' : '4'}${row.data.slice(i + 4)}`;
  d.prepare('UPDATE events SET data = ? WHERE run_id = ? AND seq = ?').run(changed, runId, seq);
  d.close();
}

it('verify names the tampered seq and resume refuses without appending', () => {
  const dir = tempDir('phased-tamper-');
  const p = makeSyntheticProject(dir, { dates: 12 });
  const db = join(dir, 'phased.db');
  const crashed = runCli(['--db', db, 'run', p.plan, '--run-id', 't1'], {
    env: { PHASED_CRASH_AT: 'after-unit-started:20', PHASED_SNAPSHOT_EVERY: '10' },
  });
  expect(crashed.signal).toBe('SIGKILL');
  const events = readEvents(db, 't1');
  const target = events.findLast((e) => e.type === 'UNIT_STARTED');
  expect(target).toBeDefined();
  flipOneByte(db, 't1', target!.seq);

  const store = openStore(db, { readonly: true });
  const report = store.verifyChain('t1');
  store.close();
  expect(report).toMatchObject({ ok: false, firstBadSeq: target!.seq });

  const r = runCli(['--db', db, 'resume', 't1']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`seq ${target!.seq}`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(readEvents(db, 't1')).toHaveLength(events.length);
});

/** Rewrite the run's frozen plan in place, as someone with write access to the file could. */
function editFrozenPlan(db: string, runId: string, edit: (json: string) => string): void {
  const d = new Database(db);
  const row = d.prepare('SELECT plan_json FROM runs WHERE run_id = ?').get(runId) as { plan_json: string };
  const changed = edit(row.plan_json);
  expect(changed).not.toBe(row.plan_json);
  d.prepare('UPDATE runs SET plan_json = ? WHERE run_id = ?').run(changed, runId);
  d.close();
}

it('an edited frozen plan (one step SQL) is named: resume exits 2 appending nothing, verify exits 1', () => {
  const dir = tempDir('phased-tamper-plan-');
  const p = makeSyntheticProject(dir, { dates: 12 });
  const db = join(dir, 'phased.db');
  const crashed = runCli(['--db', db, 'run', p.plan, '--run-id', 'tp'], {
    env: { PHASED_CRASH_AT: 'after-unit-started:8', PHASED_SNAPSHOT_EVERY: '10' },
  });
  expect(crashed.signal).toBe('SIGKILL');
  const before = readEvents(db, 'tp');
  expect(runCli(['--db', db, 'replay', 'tp', '--verify']).code).toBe(0);

  editFrozenPlan(db, 'tp', (json) => json.replace('v * 2 AS v', 'v * 20 AS v'));

  const r = runCli(['--db', db, 'resume', 'tp']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('frozen plan');
  expect(r.stderr).toContain('runs.plan_json');
  expect(r.stderr).toContain('seq 1 (RUN_CREATED)');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(readEvents(db, 'tp')).toHaveLength(before.length);

  const v = runCli(['--db', db, 'replay', 'tp', '--verify']);
  expect(v.code).toBe(1);
  expect(v.stdout).toContain('verification FAILED');
  expect(v.stdout).toContain('runs.plan_json');
  const json = runCli(['--db', db, '--json', 'replay', 'tp', '--verify']);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, plan: false });
});

it('after an accepted plan change the latest PLAN_CHANGE_ACCEPTED governs: the old plan put back is refused', () => {
  const dir = tempDir('phased-tamper-plan-');
  const p = makeSyntheticProject(dir, { dates: 10 });
  const db = join(dir, 'phased.db');
  const crashed = runCli(['--db', db, 'run', p.plan, '--run-id', 'tc'], {
    env: { PHASED_CRASH_AT: 'after-unit-started:5' },
  });
  expect(crashed.signal).toBe('SIGKILL');
  const original = new Database(db, { readonly: true });
  const oldRow = original.prepare('SELECT plan_json, plan_hash FROM runs WHERE run_id = ?').get('tc') as {
    plan_json: string;
    plan_hash: string;
  };
  original.close();

  writeFileSync(p.plan, readFileSync(p.plan, 'utf8').replace('v * 2 AS v', 'v * 4 AS v'));
  // Kill the accepted resume early, so the run is still unfinished when its plan is put back.
  const accepted = runCli(['--db', db, 'resume', 'tc', '--accept-plan-change'], {
    env: { PHASED_CRASH_AT: 'after-unit-started:2' },
  });
  expect(accepted.signal).toBe('SIGKILL');
  expect(readEvents(db, 'tc').some((e) => e.type === 'PLAN_CHANGE_ACCEPTED')).toBe(true);
  expect(runCli(['--db', db, 'replay', 'tc', '--verify']).code).toBe(0);
  const n = readEvents(db, 'tc').length;

  // The plan from before the change, with its own (then valid) hash in runs.plan_hash: still refused.
  const d = new Database(db);
  d.prepare('UPDATE runs SET plan_json = ?, plan_hash = ? WHERE run_id = ?').run(
    oldRow.plan_json,
    oldRow.plan_hash,
    'tc',
  );
  d.close();
  const r = runCli(['--db', db, 'resume', 'tc']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/seq \d+ \(PLAN_CHANGE_ACCEPTED\)/);
  expect(readEvents(db, 'tc')).toHaveLength(n);
  expect(runCli(['--db', db, 'replay', 'tc', '--verify']).code).toBe(1);
});
