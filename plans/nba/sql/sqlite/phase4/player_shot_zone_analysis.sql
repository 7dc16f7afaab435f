-- player_shot_zone_analysis: each player's shot profile over his last 10 games played before @partition
-- (same season, last 60 days), for players with 10 such games.
WITH season AS (
  SELECT MIN(season) AS season FROM nba_raw_schedule WHERE game_date = @partition
),
ranked AS (
  -- Rank on a narrow key set (served by an index), then fetch only the ten rows kept per player.
  SELECT g.rowid AS row_key,
         ROW_NUMBER() OVER (PARTITION BY g.player_id ORDER BY g.game_date DESC) AS recency
  FROM nba_analytics_player_game_summary AS g
  WHERE g.season = (SELECT season FROM season)
    AND g.game_date < @partition
    AND g.game_date >= date(@partition, '-60 days')
    AND g.minutes_played > 0
),
last10 AS (
  SELECT g.player_id, g.team_abbr, g.points, g.minutes_played, g.fga, g.fg3a, g.fg3m,
         g.paint_attempts, g.paint_makes, g.mid_range_attempts, g.mid_range_makes, r.recency
  FROM ranked AS r
  JOIN nba_analytics_player_game_summary AS g ON g.rowid = r.row_key
  WHERE r.recency <= 10
)
SELECT
  @partition AS analysis_date,
  (SELECT season FROM season) AS season,
  player_id,
  MAX(CASE WHEN recency = 1 THEN team_abbr END) AS team_abbr,
  COUNT(*) AS games_in_sample,
  SUM(fga) AS fga,
  ROUND(1.0 * SUM(paint_attempts) / NULLIF(SUM(fga), 0), 4) AS paint_rate,
  ROUND(1.0 * SUM(mid_range_attempts) / NULLIF(SUM(fga), 0), 4) AS mid_range_rate,
  ROUND(1.0 * SUM(fg3a) / NULLIF(SUM(fga), 0), 4) AS three_rate,
  ROUND(1.0 * SUM(paint_makes) / NULLIF(SUM(paint_attempts), 0), 4) AS paint_pct,
  ROUND(1.0 * SUM(mid_range_makes) / NULLIF(SUM(mid_range_attempts), 0), 4) AS mid_range_pct,
  ROUND(1.0 * SUM(fg3m) / NULLIF(SUM(fg3a), 0), 4) AS three_pct,
  ROUND(AVG(points), 2) AS points_avg_last10,
  ROUND(AVG(minutes_played), 2) AS minutes_avg_last10,
  CASE
    WHEN SUM(paint_attempts) >= MAX(SUM(mid_range_attempts), SUM(fg3a)) THEN 'paint'
    WHEN SUM(fg3a) >= SUM(mid_range_attempts) THEN 'three'
    ELSE 'mid_range'
  END AS primary_zone,
  @run_id AS source_run_id
FROM last10
GROUP BY player_id
HAVING COUNT(*) = 10
