import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initDemo } from '../../../src/demo/index.js';
import { query, tempDir } from './helpers.js';

describe('the broken demo warehouse', () => {
  it('leaves team offense short of 95 % and usage_rate NULL beyond 5 %', { timeout: 300_000 }, async () => {
    // `phased demo --scenario broken`'s own init, through the suite's demo cache when another test made it first.
    const init = await initDemo(
      { dir: join(tempDir(), 'demo'), scenario: 'broken', initOnly: true },
      { print: () => {} },
    );
    const { generated, baseline: filled, warehouse: file } = init;
    expect(generated.removedTeamBoxDates.length).toBeGreaterThanOrEqual(70);
    expect(filled.expected).toBe(848);
    // Even a complete backfill cannot bring team offense back for dates without team box scores.
    const [boxed] = query<{ n: number }>(
      file,
      'SELECT COUNT(DISTINCT game_date) AS n FROM nba_raw_team_box_scores',
    );
    expect(boxed.n - 70).toBeLessThan(806);
    expect(filled.present.team_offense_game_summary).toBeLessThan(806);
    expect(filled.present.player_game_summary).toBe(848);
    const [usage] = query<{ rate: number }>(
      file,
      `SELECT AVG(usage_rate IS NULL) AS rate FROM nba_analytics_player_game_summary WHERE minutes_played > 0`,
    );
    expect(usage.rate).toBeGreaterThan(0.05);
  });
});
