-- player_shot_zone_analysis: output table (one row per player per analysis date), created when missing; partitioned by analysis_date.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_shot_zone_analysis` (
  analysis_date DATE,
  season STRING,
  player_id INT64,
  team_abbr STRING,
  games_in_sample INT64,
  fga INT64,
  paint_rate FLOAT64,
  mid_range_rate FLOAT64,
  three_rate FLOAT64,
  paint_pct FLOAT64,
  mid_range_pct FLOAT64,
  three_pct FLOAT64,
  points_avg_last10 FLOAT64,
  minutes_avg_last10 FLOAT64,
  primary_zone STRING,
  source_run_id STRING
)
PARTITION BY analysis_date
CLUSTER BY player_id;
