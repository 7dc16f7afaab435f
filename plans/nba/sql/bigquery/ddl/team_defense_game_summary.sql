-- team_defense_game_summary: output table (one row per team per game), created when missing; partitioned by game_date.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.team_defense_game_summary` (
  game_id STRING,
  game_date DATE,
  season STRING,
  season_type STRING,
  team_abbr STRING,
  opponent_abbr STRING,
  is_home INT64,
  opp_points INT64,
  opp_fga INT64,
  opp_fgm INT64,
  opp_fg3a INT64,
  opp_fg3m INT64,
  opp_fta INT64,
  opp_paint_attempts INT64,
  opp_paint_makes INT64,
  opp_mid_range_attempts INT64,
  opp_mid_range_makes INT64,
  forced_turnovers INT64,
  team_rebounds INT64,
  opp_possessions FLOAT64,
  defensive_rating FLOAT64,
  opp_fg_pct FLOAT64,
  opp_top_scorer_points INT64,
  opp_players_used INT64,
  opp_scorers_20_plus INT64,
  source_run_id STRING
)
PARTITION BY game_date
CLUSTER BY team_abbr;
