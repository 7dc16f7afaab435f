// The whole healthy demo as a user runs it (`phased demo`): it reaches succeeded, every phase3 table covers
// at least 95 % of the 848 expected dates, the phase4 gate passes, the feature store joins back to PGS, and
// `phased validate --gate phase3` now passes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byStep, type GateReportJson, loggedEvents, phased, rows, tempDir } from '../support/demo.js';

describe('phased demo (healthy, full range)', () => {
  it('runs the NBA plan to succeeded with both gates passed', async () => {
    const dir = join(tempDir(), 'demo');
    const r = await phased(['demo', '--dir', dir, '--run-id', 'healthy1']);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(r.stdout).toContain('gate phase3: passed');
    expect(r.stdout).toContain('gate phase4: passed');
    expect(r.stdout).toMatch(/wall time [\d.]+ s/);
    expect(r.stdout).toContain(join(dir, 'logs', 'healthy1.log'));

    const db = join(dir, 'phased.db');
    const status = await phased(['status', 'healthy1', '--db', db, '--json']);
    expect(JSON.parse(status.stdout).status).toBe('succeeded');

    const gates = Object.fromEntries(
      loggedEvents(db, 'GATE_PASSED').map((e) => [e.data.gate, e.data.report as GateReportJson]),
    );
    expect(Object.keys(gates).sort()).toEqual(['phase3', 'phase4']);
    for (const t of gates.phase3.tables) {
      expect(t.expected).toBe(848);
      expect(t.present, t.step).toBeGreaterThanOrEqual(0.95 * 848);
    }
    expect(gates.phase4.ok).toBe(true);
    expect(Object.keys(byStep(gates.phase4))).toContain('ml_feature_store');

    const warehouse = join(dir, 'warehouse.db');
    const [{ n }] = rows<{ n: number }>(
      warehouse,
      'SELECT COUNT(*) AS n FROM nba_predictions_ml_feature_store_v2',
    );
    expect(n).toBeGreaterThan(0);
    const [{ orphans }] = rows<{ orphans: number }>(
      warehouse,
      `SELECT COUNT(*) AS orphans FROM nba_predictions_ml_feature_store_v2 AS f
       WHERE NOT EXISTS (SELECT 1 FROM nba_analytics_player_game_summary AS p
                         WHERE p.player_id = f.player_id AND p.game_date = f.game_date)`,
    );
    expect(orphans).toBe(0);

    const validate = await phased(['validate', join(dir, 'plan.yaml'), '--gate', 'phase3']);
    expect(validate.code, validate.stdout).toBe(0);
    expect(validate.stdout).toContain('gate phase3: PASSED');
  }, 420_000);
});
