import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateWarehouse, STAT_KEYS } from '../../../src/demo/index.js';
import { query, tempDir } from './helpers.js';

const STATS = STAT_KEYS;

describe('generated box scores are consistent', () => {
  let file: string;
  beforeAll(() => {
    file = join(tempDir(), 'warehouse.db');
    generateWarehouse(file, { scenario: 'healthy', range: { start: '2022-03-01', end: '2022-05-15' } });
  });

  it('gives each team 240 player minutes a game, plus 25 per overtime period', () => {
    const rows = query<{ minutes: number; expected: number }>(
      file,
      `SELECT SUM(p.minutes) AS minutes, 240 + 25 * s.overtime_periods AS expected
       FROM nba_raw_gamebook_player_stats p JOIN nba_raw_schedule s ON s.game_id = p.game_id
       GROUP BY p.game_id, p.team_abbr`,
    );
    expect(rows.length).toBeGreaterThan(500);
    expect(rows.filter((r) => r.minutes !== r.expected)).toEqual([]);
    expect(rows.some((r) => r.expected > 240)).toBe(true);
  });

  it('keeps points = 2·FGM + 3PM + FTM, makes within attempts, zones adding up to FGA', () => {
    const [bad] = query<{ n: number; total: number }>(
      file,
      `SELECT SUM(CASE WHEN points <> 2 * fgm + fg3m + ftm OR fgm > fga OR fg3m > fg3a OR ftm > fta OR fg3a > fga
                 OR paint_makes > paint_attempts OR mid_range_makes > mid_range_attempts
                 OR paint_attempts + mid_range_attempts + fg3a <> fga
                 OR paint_makes + mid_range_makes + fg3m <> fgm THEN 1 ELSE 0 END) AS n,
              COUNT(*) AS total
       FROM nba_raw_gamebook_player_stats`,
    );
    expect(bad.total).toBeGreaterThan(10_000);
    expect(bad.n).toBe(0);
  });

  it('makes every team box score the sum of its player rows, with a winner each game', () => {
    const sums = STATS.map((c) => `SUM(p.${c}) AS ${c}`).join(', ');
    const diffs = STATS.map((c) => `t.${c} <> x.${c}`).join(' OR ');
    const [row] = query<{ bad: number; teams: number }>(
      file,
      `WITH x AS (SELECT p.game_id, p.team_abbr, ${sums} FROM nba_raw_gamebook_player_stats p GROUP BY 1, 2)
       SELECT SUM(CASE WHEN ${diffs} THEN 1 ELSE 0 END) AS bad, COUNT(*) AS teams
       FROM nba_raw_team_box_scores t JOIN x ON x.game_id = t.game_id AND x.team_abbr = t.team_abbr`,
    );
    expect(row.teams).toBeGreaterThan(500);
    expect(row.bad).toBe(0);
    const [ties] = query<{ n: number }>(
      file,
      `SELECT COUNT(*) AS n FROM nba_raw_team_box_scores a JOIN nba_raw_team_box_scores b
       ON a.game_id = b.game_id AND a.is_home = 1 AND b.is_home = 0 WHERE a.points = b.points`,
    );
    expect(ties.n).toBe(0);
  });

  it('plays 5–12 games a regular-season date and fewer in the playoffs, each team at most once a day', () => {
    const perDate = query<{ season_type: string; games: number; teams: number }>(
      file,
      `SELECT season_type, COUNT(*) AS games,
              (SELECT COUNT(DISTINCT t) FROM (SELECT home_team t FROM nba_raw_schedule s2 WHERE s2.game_date = s.game_date
                                               UNION ALL SELECT away_team FROM nba_raw_schedule s3 WHERE s3.game_date = s.game_date)) AS teams
       FROM nba_raw_schedule s GROUP BY game_date, season_type`,
    );
    const regular = perDate.filter((d) => d.season_type === 'regular');
    const playoffs = perDate.filter((d) => d.season_type === 'playoffs');
    expect(regular.every((d) => d.games >= 5 && d.games <= 12)).toBe(true);
    expect(playoffs.length).toBeGreaterThan(10);
    expect(playoffs.every((d) => d.games >= 1 && d.games <= 4)).toBe(true);
    expect(perDate.every((d) => d.teams === 2 * d.games)).toBe(true);
  });

  it('gives injured players no minutes and no points line', () => {
    const [row] = query<{ played: number; lined: number; outs: number }>(
      file,
      `SELECT SUM(CASE WHEN p.minutes > 0 THEN 1 ELSE 0 END) AS played,
              SUM(CASE WHEN l.player_id IS NOT NULL THEN 1 ELSE 0 END) AS lined, COUNT(*) AS outs
       FROM nba_raw_injury_report i
       JOIN nba_raw_gamebook_player_stats p ON p.game_id = i.game_id AND p.player_id = i.player_id
       LEFT JOIN nba_raw_odds_player_points l ON l.game_id = i.game_id AND l.player_id = i.player_id
       WHERE i.status = 'out'`,
    );
    expect(row.outs).toBeGreaterThan(20);
    expect(row.played).toBe(0);
    expect(row.lined).toBe(0);
  });
});
