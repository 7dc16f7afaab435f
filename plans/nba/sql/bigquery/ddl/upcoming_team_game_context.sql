-- upcoming_team_game_context: output table (one row per team per game), created when missing; partitioned by game_date.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.upcoming_team_game_context` (
  game_id STRING,
  game_date DATE,
  season STRING,
  season_type STRING,
  team_abbr STRING,
  opponent_abbr STRING,
  is_home INT64,
  days_rest INT64,
  back_to_back INT64,
  games_last_7d INT64,
  spread FLOAT64,
  game_total FLOAT64,
  implied_team_total FLOAT64,
  players_out INT64,
  players_questionable INT64,
  opponent_players_out INT64,
  source_run_id STRING
)
PARTITION BY game_date
CLUSTER BY team_abbr;
