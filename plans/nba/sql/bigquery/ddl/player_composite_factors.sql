-- player_composite_factors: output table (one row per player per game), created when missing; partitioned by game_date.
CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_composite_factors` (
  game_id STRING,
  game_date DATE,
  season STRING,
  player_id INT64,
  team_abbr STRING,
  opponent_abbr STRING,
  shot_zone_mismatch FLOAT64,
  scoring_environment FLOAT64,
  blowout_risk FLOAT64,
  fatigue_factor FLOAT64,
  usage_opportunity FLOAT64,
  composite_adjustment FLOAT64,
  points_line FLOAT64,
  source_run_id STRING
)
PARTITION BY game_date
CLUSTER BY player_id;
