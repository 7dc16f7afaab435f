-- upcoming_player_game_context: pre-game context for every rostered player of a team playing on @partition:
-- rest, recent form (last 5 games before the date, same season, last 30 days), points line, injury status.
WITH games AS MATERIALIZED (
  SELECT game_id, game_date, season, season_type, home_team AS team_abbr, away_team AS opponent_abbr, 1 AS is_home
  FROM nba_raw_schedule WHERE game_date = @partition
  UNION ALL
  SELECT game_id, game_date, season, season_type, away_team, home_team, 0
  FROM nba_raw_schedule WHERE game_date = @partition
),
roster AS MATERIALIZED (
  SELECT g.*, r.player_id, r.player_name
  FROM games AS g
  JOIN nba_raw_players AS r ON r.team_abbr = g.team_abbr
),
history AS (
  SELECT h.player_id, h.game_date, h.points, h.minutes,
         ROW_NUMBER() OVER (PARTITION BY h.player_id ORDER BY h.game_date DESC) AS recency
  FROM nba_raw_gamebook_player_stats AS h
  WHERE h.player_id IN (SELECT player_id FROM roster)
    AND h.season = (SELECT MIN(season) FROM roster)
    AND h.game_date < @partition
    AND h.game_date >= date(@partition, '-30 days')
    AND h.minutes > 0
),
form AS (
  SELECT player_id,
         MAX(game_date) AS last_played,
         COUNT(*) AS games_last_30d,
         ROUND(AVG(CASE WHEN recency <= 5 THEN points END), 2) AS points_avg_last5,
         ROUND(AVG(CASE WHEN recency <= 5 THEN minutes END), 2) AS minutes_avg_last5
  FROM history
  GROUP BY player_id
),
team_last AS (
  SELECT g.team_abbr, MAX(s.game_date) AS last_game
  FROM games AS g
  JOIN nba_raw_schedule AS s ON (s.home_team = g.team_abbr OR s.away_team = g.team_abbr)
  WHERE s.game_date < @partition AND s.game_date >= date(@partition, '-30 days')
  GROUP BY g.team_abbr
),
line AS (
  SELECT game_id, player_id, AVG(line) AS points_line
  FROM nba_raw_odds_player_points
  WHERE game_date = @partition
  GROUP BY game_id, player_id
)
SELECT
  r.game_id,
  r.game_date,
  r.season,
  r.season_type,
  r.player_id,
  r.player_name,
  r.team_abbr,
  r.opponent_abbr,
  r.is_home,
  CAST(julianday(@partition) - julianday(t.last_game) AS INTEGER) AS team_days_rest,
  CASE WHEN t.last_game = date(@partition, '-1 day') THEN 1 ELSE 0 END AS back_to_back,
  CAST(julianday(@partition) - julianday(f.last_played) AS INTEGER) AS days_since_last_played,
  COALESCE(f.games_last_30d, 0) AS games_last_30d,
  f.points_avg_last5,
  f.minutes_avg_last5,
  l.points_line,
  COALESCE(i.status, 'available') AS injury_status,
  @run_id AS source_run_id
FROM roster AS r
LEFT JOIN form AS f ON f.player_id = r.player_id
LEFT JOIN team_last AS t ON t.team_abbr = r.team_abbr
LEFT JOIN line AS l ON l.game_id = r.game_id AND l.player_id = r.player_id
LEFT JOIN nba_raw_injury_report AS i ON i.game_id = r.game_id AND i.player_id = r.player_id
