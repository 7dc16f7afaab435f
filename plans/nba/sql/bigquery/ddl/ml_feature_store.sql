-- ml_feature_store: output table (one row per player per game), created when missing; partitioned by game_date.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_predictions.ml_feature_store_v2` (
  game_id STRING,
  game_date DATE,
  season STRING,
  player_id INT64,
  team_abbr STRING,
  opponent_abbr STRING,
  feature_version STRING,
  points_avg_last5 FLOAT64,
  points_avg_last10 FLOAT64,
  points_avg_60d FLOAT64,
  minutes_avg_last5 FLOAT64,
  usage_rate_last10 FLOAT64,
  ts_pct_last10 FLOAT64,
  team_pace_last10 FLOAT64,
  paint_rate FLOAT64,
  mid_range_rate FLOAT64,
  three_rate FLOAT64,
  primary_zone STRING,
  opp_defensive_rating FLOAT64,
  opp_weakest_zone STRING,
  shot_zone_mismatch FLOAT64,
  scoring_environment FLOAT64,
  fatigue_factor FLOAT64,
  usage_opportunity FLOAT64,
  composite_adjustment FLOAT64,
  points_line FLOAT64,
  baseline_projection FLOAT64,
  projection_edge FLOAT64,
  source_run_id STRING
)
PARTITION BY game_date
CLUSTER BY player_id;
