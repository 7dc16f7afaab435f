-- player_daily_cache: per player playing on @partition, the form a model needs that day: scoring and usage
-- over recent games (player_game_summary), team pace (team_offense_game_summary), the line (context).
WITH playing AS (
  SELECT player_id, team_abbr, opponent_abbr, season, points_line, injury_status
  FROM `nba-props-platform.nba_analytics.upcoming_player_game_context`
  WHERE game_date = @partition
),
history AS (
  SELECT g.player_id, g.points, g.minutes_played, g.usage_rate, g.ts_pct,
         ROW_NUMBER() OVER (PARTITION BY g.player_id ORDER BY g.game_date DESC) AS recency
  FROM `nba-props-platform.nba_analytics.player_game_summary` AS g
  WHERE g.player_id IN (SELECT player_id FROM playing)
    AND g.season = (SELECT MIN(season) FROM playing)
    AND g.game_date < @partition
    AND g.game_date >= DATE_SUB(@partition, INTERVAL 60 DAY)
    AND g.minutes_played > 0
),
form AS (
  SELECT player_id,
         COUNT(*) AS games_last_60d,
         AVG(points) AS points_avg_60d,
         AVG(CASE WHEN recency <= 5 THEN points END) AS points_avg_last5,
         AVG(CASE WHEN recency <= 10 THEN points END) AS points_avg_last10,
         AVG(CASE WHEN recency <= 5 THEN minutes_played END) AS minutes_avg_last5,
         AVG(CASE WHEN recency <= 10 THEN usage_rate END) AS usage_rate_last10,
         AVG(CASE WHEN recency <= 10 THEN ts_pct END) AS ts_pct_last10
  FROM history
  GROUP BY player_id
),
team_games AS (
  SELECT o.team_abbr, o.pace, o.offensive_rating,
         ROW_NUMBER() OVER (PARTITION BY o.team_abbr ORDER BY o.game_date DESC) AS recency
  FROM `nba-props-platform.nba_analytics.team_offense_game_summary` AS o
  WHERE o.game_date < @partition
    AND o.game_date >= DATE_SUB(@partition, INTERVAL 60 DAY)
    AND o.team_abbr IN (SELECT team_abbr FROM playing)
),
team_form AS (
  SELECT team_abbr, AVG(pace) AS team_pace_last10, AVG(offensive_rating) AS team_off_rating_last10
  FROM team_games
  WHERE recency <= 10
  GROUP BY team_abbr
)
SELECT
  @partition AS cache_date,
  p.season,
  p.player_id,
  p.team_abbr,
  p.opponent_abbr,
  f.games_last_60d,
  ROUND(f.points_avg_60d, 2) AS points_avg_60d,
  ROUND(f.points_avg_last5, 2) AS points_avg_last5,
  ROUND(f.points_avg_last10, 2) AS points_avg_last10,
  ROUND(f.minutes_avg_last5, 2) AS minutes_avg_last5,
  ROUND(f.usage_rate_last10, 2) AS usage_rate_last10,
  ROUND(f.ts_pct_last10, 4) AS ts_pct_last10,
  ROUND(t.team_pace_last10, 2) AS team_pace_last10,
  ROUND(t.team_off_rating_last10, 2) AS team_off_rating_last10,
  p.points_line,
  p.injury_status,
  @run_id AS source_run_id
FROM playing AS p
JOIN form AS f ON f.player_id = p.player_id
LEFT JOIN team_form AS t ON t.team_abbr = p.team_abbr
WHERE f.games_last_60d >= 5
