// `phased demo --scenario broken`: team box scores are missing, so the run stops at the phase3 gate (exit 1),
// the report names team_offense_game_summary and PGS's usage_rate, and no phase4 unit ever starts.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byStep, type GateReportJson, loggedEvents, phased, tempDir } from '../support/demo.js';

const PHASE4 = [
  'team_defense_zone_analysis',
  'player_shot_zone_analysis',
  'player_daily_cache',
  'player_composite_factors',
  'ml_feature_store',
];

describe('phased demo --scenario broken', () => {
  it('blocks at the phase3 gate naming TOGS and usage_rate, and starts no phase4 unit', async () => {
    const dir = join(tempDir(), 'demo');
    const r = await phased(['demo', '--dir', dir, '--scenario', 'broken', '--run-id', 'broken1']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/team box scores removed for \d+ dates/);
    expect(r.stdout).toContain('team_offense_game_summary');
    expect(r.stdout).toContain('phased status broken1');

    const db = join(dir, 'phased.db');
    const failed = loggedEvents(db, 'GATE_FAILED');
    expect(failed).toHaveLength(1);
    const report = failed[0].data.report as GateReportJson;
    expect(report.gate).toBe('phase3');
    const tables = byStep(report);
    expect(tables.team_offense_game_summary.ok).toBe(false);
    expect(tables.team_offense_game_summary.present).toBeLessThan(0.95 * 848);
    const usage = report.notNull.find((n) => n.column === 'usage_rate');
    expect(usage?.table).toBe('nba_analytics_player_game_summary');
    expect(usage?.ok).toBe(false);

    const started = loggedEvents(db, 'UNIT_STARTED').map((e) => String(e.data.step));
    expect(started.length).toBeGreaterThan(0);
    expect(started.filter((s) => PHASE4.includes(s))).toEqual([]);
    expect(loggedEvents(db, 'GATE_PASSED')).toEqual([]);

    const status = await phased(['status', 'broken1', '--db', db, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).status).toBe('blocked');
  }, 240_000);
});
