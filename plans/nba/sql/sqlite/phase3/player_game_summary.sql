-- player_game_summary: one row per player per game on @partition, from the raw gamebook.
-- usage_rate needs the team's totals from the raw team box score; without it the rate stays NULL.
WITH team AS (
  SELECT game_id, team_abbr, minutes AS team_minutes,
         fga + 0.44 * fta + turnovers AS team_plays
  FROM nba_raw_team_box_scores
  WHERE game_date = @partition
),
line AS (
  SELECT game_id, player_id, AVG(line) AS points_line
  FROM nba_raw_odds_player_points
  WHERE game_date = @partition
  GROUP BY game_id, player_id
)
SELECT
  p.game_id,
  p.game_date,
  s.season,
  s.season_type,
  p.player_id,
  p.player_name,
  p.team_abbr,
  p.opponent_abbr,
  CASE WHEN s.home_team = p.team_abbr THEN 1 ELSE 0 END AS is_home,
  p.starter,
  p.minutes AS minutes_played,
  p.points,
  p.fga,
  p.fgm,
  p.fg3a,
  p.fg3m,
  p.fta,
  p.ftm,
  p.paint_attempts,
  p.paint_makes,
  p.mid_range_attempts,
  p.mid_range_makes,
  p.turnovers,
  p.rebounds,
  p.assists,
  ROUND(p.points / NULLIF(2.0 * (p.fga + 0.44 * p.fta), 0), 4) AS ts_pct,
  CASE WHEN p.minutes > 0 THEN
    ROUND(100.0 * (p.fga + 0.44 * p.fta + p.turnovers) * (t.team_minutes / 5.0)
          / (p.minutes * NULLIF(t.team_plays, 0)), 2)
  END AS usage_rate,
  l.points_line,
  CASE
    WHEN l.points_line IS NULL OR p.minutes = 0 THEN NULL
    WHEN p.points > l.points_line THEN 'over'
    WHEN p.points < l.points_line THEN 'under'
    ELSE 'push'
  END AS over_under_result,
  @run_id AS source_run_id
FROM nba_raw_gamebook_player_stats AS p
JOIN nba_raw_schedule AS s ON s.game_id = p.game_id
LEFT JOIN team AS t ON t.game_id = p.game_id AND t.team_abbr = p.team_abbr
LEFT JOIN line AS l ON l.game_id = p.game_id AND l.player_id = p.player_id
WHERE p.game_date = @partition
