-- team_defense_zone_analysis: each team's defense by shot zone over its last 15 games before @partition
-- (same season). The date is analysed only once every team has played 15 games; until then it has no rows.
WITH season AS (
  SELECT MIN(season) AS season FROM `nba-props-platform.nba_raw.schedule` WHERE game_date = @partition
),
history AS (
  SELECT d.team_abbr, d.opp_points, d.opp_fg3a, d.opp_fg3m, d.opp_paint_attempts, d.opp_paint_makes,
         d.opp_mid_range_attempts, d.opp_mid_range_makes, d.defensive_rating,
         ROW_NUMBER() OVER (PARTITION BY d.team_abbr ORDER BY d.game_date DESC) AS recency,
         COUNT(*) OVER (PARTITION BY d.team_abbr) AS games_played
  FROM `nba-props-platform.nba_analytics.team_defense_game_summary` AS d
  WHERE d.season = (SELECT season FROM season)
    AND d.game_date < @partition
    AND d.game_date >= DATE_SUB(@partition, INTERVAL 150 DAY)
),
ready AS (
  SELECT COUNT(DISTINCT team_abbr) AS teams, MIN(games_played) AS fewest_games
  FROM history
),
zones AS (
  SELECT team_abbr,
         COUNT(*) AS games_in_sample,
         AVG(opp_paint_attempts) AS paint_attempts_allowed_pg,
         SAFE_DIVIDE(SUM(opp_paint_makes), SUM(opp_paint_attempts)) AS paint_pct_allowed,
         AVG(opp_mid_range_attempts) AS mid_range_attempts_allowed_pg,
         SAFE_DIVIDE(SUM(opp_mid_range_makes), SUM(opp_mid_range_attempts)) AS mid_range_pct_allowed,
         AVG(opp_fg3a) AS three_attempts_allowed_pg,
         SAFE_DIVIDE(SUM(opp_fg3m), SUM(opp_fg3a)) AS three_pct_allowed,
         AVG(opp_points) AS points_allowed_pg,
         AVG(defensive_rating) AS defensive_rating
  FROM history
  WHERE recency <= 15
  GROUP BY team_abbr
),
league AS (
  SELECT AVG(paint_pct_allowed) AS paint_pct, AVG(mid_range_pct_allowed) AS mid_pct, AVG(three_pct_allowed) AS three_pct
  FROM zones
)
SELECT
  @partition AS analysis_date,
  (SELECT season FROM season) AS season,
  z.team_abbr,
  z.games_in_sample,
  ROUND(z.paint_attempts_allowed_pg, 2) AS paint_attempts_allowed_pg,
  ROUND(z.paint_pct_allowed, 4) AS paint_pct_allowed,
  ROUND(z.paint_pct_allowed - league.paint_pct, 4) AS paint_vs_league,
  ROUND(z.mid_range_attempts_allowed_pg, 2) AS mid_range_attempts_allowed_pg,
  ROUND(z.mid_range_pct_allowed, 4) AS mid_range_pct_allowed,
  ROUND(z.mid_range_pct_allowed - league.mid_pct, 4) AS mid_range_vs_league,
  ROUND(z.three_attempts_allowed_pg, 2) AS three_attempts_allowed_pg,
  ROUND(z.three_pct_allowed, 4) AS three_pct_allowed,
  ROUND(z.three_pct_allowed - league.three_pct, 4) AS three_vs_league,
  ROUND(z.points_allowed_pg, 2) AS points_allowed_pg,
  ROUND(z.defensive_rating, 2) AS defensive_rating,
  CASE
    WHEN z.paint_pct_allowed - league.paint_pct >= GREATEST(z.mid_range_pct_allowed - league.mid_pct, z.three_pct_allowed - league.three_pct) THEN 'paint'
    WHEN z.three_pct_allowed - league.three_pct >= z.mid_range_pct_allowed - league.mid_pct THEN 'three'
    ELSE 'mid_range'
  END AS weakest_zone,
  @run_id AS source_run_id
FROM zones AS z
CROSS JOIN league
CROSS JOIN ready
WHERE ready.teams = (SELECT COUNT(*) FROM `nba-props-platform.nba_raw.teams`)
  AND ready.fewest_games >= 15
