-- player_composite_factors: output table (one row per player per game), created when missing; indexed on game_date.
CREATE TABLE IF NOT EXISTS nba_precompute_player_composite_factors (
  game_id TEXT,
  game_date TEXT,
  season TEXT,
  player_id INTEGER,
  team_abbr TEXT,
  opponent_abbr TEXT,
  shot_zone_mismatch REAL,
  scoring_environment REAL,
  blowout_risk REAL,
  fatigue_factor REAL,
  usage_opportunity REAL,
  composite_adjustment REAL,
  points_line REAL,
  source_run_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_nba_precompute_player_composite_factors_game_date ON nba_precompute_player_composite_factors (game_date);
