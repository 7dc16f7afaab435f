-- team_offense_game_summary: two rows per game on @partition (one per team), from the raw team box score.
-- Possessions are estimated as FGA + 0.44·FTA + TOV; a game missing either box score yields no rows.
WITH box AS (
  SELECT b.*, b.fga + 0.44 * b.fta + b.turnovers AS possessions
  FROM nba_raw_team_box_scores AS b
  WHERE b.game_date = @partition
)
SELECT
  b.game_id,
  b.game_date,
  s.season,
  s.season_type,
  b.team_abbr,
  b.opponent_abbr,
  b.is_home,
  s.overtime_periods,
  b.minutes,
  b.points,
  o.points AS opponent_points,
  CASE WHEN b.points > o.points THEN 1 ELSE 0 END AS win,
  b.fga,
  b.fgm,
  b.fg3a,
  b.fg3m,
  b.fta,
  b.ftm,
  b.paint_attempts,
  b.mid_range_attempts,
  b.turnovers,
  b.rebounds,
  b.assists,
  ROUND(b.possessions, 2) AS possessions,
  ROUND(b.possessions * 48.0 / (b.minutes / 5.0), 2) AS pace,
  ROUND(100.0 * b.points / NULLIF(b.possessions, 0), 2) AS offensive_rating,
  ROUND((b.fgm + 0.5 * b.fg3m) / NULLIF(1.0 * b.fga, 0), 4) AS efg_pct,
  ROUND(b.points / NULLIF(2.0 * (b.fga + 0.44 * b.fta), 0), 4) AS ts_pct,
  ROUND(1.0 * b.fg3a / NULLIF(b.fga, 0), 4) AS three_rate,
  @run_id AS source_run_id
FROM box AS b
JOIN box AS o ON o.game_id = b.game_id AND o.team_abbr = b.opponent_abbr
JOIN nba_raw_schedule AS s ON s.game_id = b.game_id
