// `phased run --dry-run`: the plan, the units per step from the driver's baseline, and estimated bytes
// (BigQuery dry runs; SQLite says it does not estimate), creating and changing nothing.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeBqProject, STEP_COLUMNS } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { runCli, runCliAsync, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

describe('run --dry-run', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  function partlyFilled(dir: string) {
    const p = makeBqProject(dir, server, { dates: 4 });
    // team_summary exists with two of the four days, player_summary exists empty (so phase 4's SQL can be
    // dry-run), features does not exist yet.
    const rows = [p.dates[0], p.dates[1]].flatMap((game_date) =>
      Array.from({ length: 12 }, (_, i) => ({ game_date, team: `T${i}`, pts: 100 })),
    );
    server.createTable('an.team_summary', STEP_COLUMNS.team_summary, rows, { partitionBy: 'game_date' });
    server.createTable('an.player_summary', STEP_COLUMNS.player_summary, [], { partitionBy: 'game_date' });
    return p;
  }

  it('on BigQuery prints the units to run per step and the bytes from dry runs, submitting no real job', async () => {
    const p = partlyFilled(tempDir('phased-bq-dry-'));
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--dry-run'], { env: p.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/plan bq-e2e/);
    expect(r.stdout).toContain('team: 4 expected, 2 present, 2 missing, 2 to run, ~2.0 MiB (2097152 bytes)');
    expect(r.stdout).toContain('player: 4 expected, 0 present, 4 missing, 4 to run, ~4.0 MiB');
    expect(r.stdout).toContain('features: 4 expected, 0 present, 4 missing, 4 to run');
    expect(r.stdout).toContain('total: 10 units');
    expect(r.stdout).toContain('estimated bytes processed: 10.0 MiB (10485760 bytes)');
    // Nothing created: no run database, no DDL, no materialize job; only dry runs reached the server.
    expect(existsSync(p.db)).toBe(false);
    expect(server.inserts.length).toBeGreaterThan(0);
    expect(server.inserts.every((j) => j.dryRun)).toBe(true);
    expect(server.jobs.size).toBe(0);
  });

  it('--json gives the same figures as data', async () => {
    const p = partlyFilled(tempDir('phased-bq-dry-'));
    const r = await runCliAsync(['--db', p.db, '--json', 'run', p.plan, '--dry-run'], { env: p.env });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      units: number;
      bytes: number;
      steps: { step: string; toRun: number }[];
    };
    expect(report.units).toBe(10);
    expect(report.bytes).toBe(10 * 1_048_576);
    expect(report.steps.map((s) => [s.step, s.toRun])).toEqual([
      ['team', 2],
      ['player', 4],
      ['features', 4],
    ]);
  });

  it('reports a step whose SQL fails its dry run and exits 1', async () => {
    const p = partlyFilled(tempDir('phased-bq-dry-'));
    server.fail({ on: 'insert', match: /FROM raw\.box/, kind: 'accessDenied' });
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--dry-run'], { env: p.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL step player SQL dry run \(2024-03-01\): .*Access Denied/);
    expect(r.stdout).toMatch(/prerequisites would fail/);
    expect(existsSync(p.db)).toBe(false);
  });

  it('does not fail a step whose SQL reads a table the plan itself creates', async () => {
    const p = partlyFilled(tempDir('phased-bq-dry-'));
    // On a fresh dataset, phase 4's SQL reads phase 3's tables, which do not exist yet.
    server.fail({ on: 'insert', match: /JOIN an\.player_summary/, kind: 'notFound' });
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--dry-run'], { env: p.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /ok {3}step features SQL dry run \(2024-03-01\): not dry-run: reads team_summary, which a step of this plan creates/,
    );
    expect(r.stdout).toContain(
      'features: 4 expected, 0 present, 4 missing, 4 to run (not estimated: reads team_summary',
    );
    expect(r.stdout).toContain('estimated bytes processed: 6.0 MiB (6291456 bytes)');
  });

  it('on SQLite counts the units and says bytes are not estimated, creating no table', () => {
    const dir = tempDir('phased-sqlite-dry-');
    const s = makeSyntheticProject(dir, { dates: 5 });
    const db = `${dir}/phased.db`;
    const r = runCli(['--db', db, 'run', s.plan, '--dry-run']);
    expect(r.code).toBe(0);
    for (const step of ['a', 'b', 'c', 'd', 'e']) {
      expect(r.stdout).toContain(`${step}: 5 expected, 0 present, 5 missing, 5 to run`);
    }
    expect(r.stdout).toContain('total: 25 units');
    expect(r.stdout).toMatch(/bytes: not estimated on sqlite/);
    expect(existsSync(db)).toBe(false);
    const wh = new Database(s.warehouse, { readonly: true });
    try {
      const tables = wh.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
      expect(tables).toEqual([{ name: 'calendar' }, { name: 'src' }]);
    } finally {
      wh.close();
    }
  });
});
