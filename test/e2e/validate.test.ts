// `phased validate PLAN --gate ID`: one gate against the warehouse as it stands. Before any run it reproduces
// NBA.md's baseline (and blocks, exit 1); bad gate ids and missing warehouses are bad input (exit 2).
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { byStep, type GateReportJson, phased, tempDir } from '../support/demo.js';
import { makeSyntheticProject } from '../support/synthetic.js';

describe('phased validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(tempDir(), 'demo');
    const r = await phased(['demo', '--dir', dir, '--init-only']);
    expect(r.code, r.stderr).toBe(0);
  }, 180_000);

  it('reproduces the baseline coverage of the three incomplete tables and exits 1', async () => {
    const r = await phased(['validate', join(dir, 'plan.yaml'), '--gate', 'phase3', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as GateReportJson;
    expect(report.ok).toBe(false);
    const t = byStep(report);
    expect([t.team_defense_game_summary.present, t.team_defense_game_summary.expected]).toEqual([776, 848]);
    expect(t.upcoming_player_game_context.present).toBe(446);
    expect(t.upcoming_team_game_context.present).toBe(496);
    expect(t.player_game_summary.present).toBe(848);
    expect(t.team_offense_game_summary.ok).toBe(true);
    // validate reads the warehouse only: no event log appears.
    expect(existsSync(join(dir, 'phased.db'))).toBe(false);
  });

  it('prints the percentages as a table without --json', async () => {
    const r = await phased(['validate', join(dir, 'plan.yaml'), '--gate', 'phase3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('gate phase3: BLOCKED');
    for (const pct of ['91.5%', '52.6%', '58.5%']) expect(r.stdout).toContain(pct);
  });

  it('refuses an unknown gate id with exit 2, listing the gates', async () => {
    const r = await phased(['validate', join(dir, 'plan.yaml'), '--gate', 'phase9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no gate phase9: its gates are phase3, phase4');
  });

  it('refuses a plan whose warehouse file is missing with exit 2', async () => {
    const other = join(tempDir(), 'plan-only');
    cpSync(join(dir, 'plan.yaml'), join(other, 'plan.yaml'));
    cpSync(join(dir, 'sql'), join(other, 'sql'), { recursive: true });
    const r = await phased(['validate', join(other, 'plan.yaml'), '--gate', 'phase3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/warehouse file .*warehouse\.db does not exist/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a failing calendar query as the gate erring (exit 1), not as an internal error', () => {
    const p = makeSyntheticProject(tempDir());
    const plan = readFileSync(p.plan, 'utf8');
    writeFileSync(p.plan, plan.replace('FROM calendar WHERE', 'FROM no_such_calendar WHERE'));
    const r = runCli(['validate', p.plan, '--gate', 'p1', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as GateReportJson & { error?: string };
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(/no_such_calendar/);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});
