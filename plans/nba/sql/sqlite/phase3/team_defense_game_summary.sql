-- team_defense_game_summary: two rows per game on @partition, each team's defense seen through what its
-- opponent did: the opponent's team box score (by shot zone) and the opponent's players from the gamebook.
WITH box AS (
  SELECT b.*, b.fga + 0.44 * b.fta + b.turnovers AS possessions
  FROM nba_raw_team_box_scores AS b
  WHERE b.game_date = @partition
),
opp_players AS (
  SELECT game_id, team_abbr,
         MAX(points) AS top_scorer_points,
         SUM(CASE WHEN minutes > 0 THEN 1 ELSE 0 END) AS players_used,
         SUM(CASE WHEN points >= 20 THEN 1 ELSE 0 END) AS scorers_20_plus
  FROM nba_raw_gamebook_player_stats
  WHERE game_date = @partition
  GROUP BY game_id, team_abbr
)
SELECT
  d.game_id,
  d.game_date,
  s.season,
  s.season_type,
  d.team_abbr,
  d.opponent_abbr,
  d.is_home,
  o.points AS opp_points,
  o.fga AS opp_fga,
  o.fgm AS opp_fgm,
  o.fg3a AS opp_fg3a,
  o.fg3m AS opp_fg3m,
  o.fta AS opp_fta,
  o.paint_attempts AS opp_paint_attempts,
  o.paint_makes AS opp_paint_makes,
  o.mid_range_attempts AS opp_mid_range_attempts,
  o.mid_range_makes AS opp_mid_range_makes,
  o.turnovers AS forced_turnovers,
  d.rebounds AS team_rebounds,
  ROUND(o.possessions, 2) AS opp_possessions,
  ROUND(100.0 * o.points / NULLIF(o.possessions, 0), 2) AS defensive_rating,
  ROUND(1.0 * o.fgm / NULLIF(o.fga, 0), 4) AS opp_fg_pct,
  p.top_scorer_points AS opp_top_scorer_points,
  p.players_used AS opp_players_used,
  p.scorers_20_plus AS opp_scorers_20_plus,
  @run_id AS source_run_id
FROM box AS d
JOIN box AS o ON o.game_id = d.game_id AND o.team_abbr = d.opponent_abbr
JOIN nba_raw_schedule AS s ON s.game_id = d.game_id
LEFT JOIN opp_players AS p ON p.game_id = d.game_id AND p.team_abbr = d.opponent_abbr
