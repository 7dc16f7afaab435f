-- team_defense_zone_analysis: output table (one row per team per analysis date), created when missing; partitioned by analysis_date.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.team_defense_zone_analysis` (
  analysis_date DATE,
  season STRING,
  team_abbr STRING,
  games_in_sample INT64,
  paint_attempts_allowed_pg FLOAT64,
  paint_pct_allowed FLOAT64,
  paint_vs_league FLOAT64,
  mid_range_attempts_allowed_pg FLOAT64,
  mid_range_pct_allowed FLOAT64,
  mid_range_vs_league FLOAT64,
  three_attempts_allowed_pg FLOAT64,
  three_pct_allowed FLOAT64,
  three_vs_league FLOAT64,
  points_allowed_pg FLOAT64,
  defensive_rating FLOAT64,
  weakest_zone STRING,
  source_run_id STRING
)
PARTITION BY analysis_date
CLUSTER BY team_abbr;
