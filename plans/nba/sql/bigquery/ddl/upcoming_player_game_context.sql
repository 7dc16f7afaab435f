-- upcoming_player_game_context: output table (one row per rostered player per game), created when missing; partitioned by game_date.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.upcoming_player_game_context` (
  game_id STRING,
  game_date DATE,
  season STRING,
  season_type STRING,
  player_id INT64,
  player_name STRING,
  team_abbr STRING,
  opponent_abbr STRING,
  is_home INT64,
  team_days_rest INT64,
  back_to_back INT64,
  days_since_last_played INT64,
  games_last_30d INT64,
  points_avg_last5 FLOAT64,
  minutes_avg_last5 FLOAT64,
  points_line FLOAT64,
  injury_status STRING,
  source_run_id STRING
)
PARTITION BY game_date
CLUSTER BY player_id;
