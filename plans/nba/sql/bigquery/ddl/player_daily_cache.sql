-- player_daily_cache: output table (one row per playing player per cache date), created when missing; partitioned by cache_date.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_daily_cache` (
  cache_date DATE,
  season STRING,
  player_id INT64,
  team_abbr STRING,
  opponent_abbr STRING,
  games_last_60d INT64,
  points_avg_60d FLOAT64,
  points_avg_last5 FLOAT64,
  points_avg_last10 FLOAT64,
  minutes_avg_last5 FLOAT64,
  usage_rate_last10 FLOAT64,
  ts_pct_last10 FLOAT64,
  team_pace_last10 FLOAT64,
  team_off_rating_last10 FLOAT64,
  points_line FLOAT64,
  injury_status STRING,
  source_run_id STRING
)
PARTITION BY cache_date
CLUSTER BY player_id;
