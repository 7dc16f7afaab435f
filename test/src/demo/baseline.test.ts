import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initDemo, planDirectory } from '../../../src/demo/index.js';
import { query, tempDir } from './helpers.js';

const PHASE3 = {
  player_game_summary: 848,
  team_offense_game_summary: 848,
  team_defense_game_summary: 776,
  upcoming_player_game_context: 446,
  upcoming_team_game_context: 496,
};
const PHASE4 = [
  'nba_precompute_team_defense_zone_analysis',
  'nba_precompute_player_shot_zone_analysis',
  'nba_precompute_player_daily_cache',
  'nba_precompute_player_composite_factors',
  'nba_predictions_ml_feature_store_v2',
];

describe('the healthy demo warehouse over the full range', () => {
  it('generates all 918 dates in seconds and fills Phase 3 to the NBA.md baseline', {
    timeout: 300_000,
  }, async () => {
    // Generated and filled by `phased demo`'s own init: through the suite's demo cache (PHASED_DEMO_CACHE) when
    // another test made the same warehouse first, which gives the bytes and figures a fresh init gives (cache.test).
    const init = await initDemo({ dir: join(tempDir(), 'demo'), initOnly: true }, { print: () => {} });
    const { generated, baseline: filled, warehouse: file } = init;
    console.info(
      `generator wall time (full range): ${generated.ms} ms; rows: ${JSON.stringify(generated.rows)}`,
    );
    expect(generated.gameDates).toBe(918);
    expect(generated.rows.nba_raw_teams).toBe(30);
    expect(generated.rows.nba_raw_players).toBe(450);
    const params = { start: '2021-10-19', end: '2026-01-03' };
    const bootstrap = query<{ partition: string }>(
      file,
      readSql('partitions/bootstrap_days.sql'),
      params,
    ).map((r) => r.partition);
    expect(bootstrap).toHaveLength(70);

    console.info(`baseline fill wall time: ${filled.ms} ms`);
    expect(filled.expected).toBe(848);
    expect(filled.present).toEqual(PHASE3);
    for (const [step, present] of Object.entries(PHASE3)) {
      const [row] = query<{ n: number; boot: number }>(
        file,
        `SELECT COUNT(DISTINCT game_date) AS n,
                COUNT(DISTINCT CASE WHEN game_date IN (SELECT value FROM json_each(@boot)) THEN game_date END) AS boot
         FROM nba_analytics_${step}`,
        { boot: JSON.stringify(bootstrap) },
      );
      expect({ step, ...row }).toEqual({ step, n: present, boot: 0 });
    }
    for (const table of PHASE4) {
      expect(query<{ n: number }>(file, `SELECT COUNT(*) AS n FROM ${table}`)[0].n, table).toBe(0);
    }
    const [usage] = query<{ nulls: number; played: number }>(
      file,
      `SELECT SUM(usage_rate IS NULL) AS nulls, COUNT(*) AS played FROM nba_analytics_player_game_summary WHERE minutes_played > 0`,
    );
    expect(usage.played).toBeGreaterThan(100_000);
    expect(usage.nulls).toBe(0);
  });
});

function readSql(path: string): string {
  return readFileSync(join(planDirectory(), 'sql', 'sqlite', path), 'utf8');
}
