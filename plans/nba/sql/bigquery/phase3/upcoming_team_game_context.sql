-- upcoming_team_game_context: pre-game context for both teams of every game on @partition:
-- rest and schedule density (schedule), consensus spread and total (game lines), players out (injury report).
WITH games AS (
  SELECT game_id, game_date, season, season_type, home_team AS team_abbr, away_team AS opponent_abbr, 1 AS is_home
  FROM `nba-props-platform.nba_raw.schedule` WHERE game_date = @partition
  UNION ALL
  SELECT game_id, game_date, season, season_type, away_team, home_team, 0
  FROM `nba-props-platform.nba_raw.schedule` WHERE game_date = @partition
),
recent AS (
  SELECT g.team_abbr,
         MAX(s.game_date) AS last_game,
         SUM(CASE WHEN s.game_date >= DATE_SUB(@partition, INTERVAL 7 DAY) THEN 1 ELSE 0 END) AS games_last_7d
  FROM games AS g
  JOIN `nba-props-platform.nba_raw.schedule` AS s ON (s.home_team = g.team_abbr OR s.away_team = g.team_abbr)
  WHERE s.game_date < @partition AND s.game_date >= DATE_SUB(@partition, INTERVAL 30 DAY)
  GROUP BY g.team_abbr
),
lines AS (
  SELECT game_id, AVG(spread) AS home_spread, AVG(total) AS game_total
  FROM `nba-props-platform.nba_raw.odds_game_lines`
  WHERE game_date = @partition
  GROUP BY game_id
),
injuries AS (
  SELECT game_id, team_abbr,
         SUM(CASE WHEN status = 'out' THEN 1 ELSE 0 END) AS players_out,
         SUM(CASE WHEN status = 'questionable' THEN 1 ELSE 0 END) AS players_questionable
  FROM `nba-props-platform.nba_raw.injury_report`
  WHERE report_date = @partition
  GROUP BY game_id, team_abbr
)
SELECT
  g.game_id,
  g.game_date,
  g.season,
  g.season_type,
  g.team_abbr,
  g.opponent_abbr,
  g.is_home,
  DATE_DIFF(@partition, r.last_game, DAY) AS days_rest,
  CASE WHEN r.last_game = DATE_SUB(@partition, INTERVAL 1 DAY) THEN 1 ELSE 0 END AS back_to_back,
  COALESCE(r.games_last_7d, 0) AS games_last_7d,
  CASE WHEN g.is_home = 1 THEN l.home_spread ELSE -l.home_spread END AS spread,
  l.game_total,
  ROUND(l.game_total / 2.0 - (CASE WHEN g.is_home = 1 THEN l.home_spread ELSE -l.home_spread END) / 2.0, 2)
    AS implied_team_total,
  COALESCE(i.players_out, 0) AS players_out,
  COALESCE(i.players_questionable, 0) AS players_questionable,
  COALESCE(oi.players_out, 0) AS opponent_players_out,
  @run_id AS source_run_id
FROM games AS g
LEFT JOIN recent AS r ON r.team_abbr = g.team_abbr
LEFT JOIN lines AS l ON l.game_id = g.game_id
LEFT JOIN injuries AS i ON i.game_id = g.game_id AND i.team_abbr = g.team_abbr
LEFT JOIN injuries AS oi ON oi.game_id = g.game_id AND oi.team_abbr = g.opponent_abbr
