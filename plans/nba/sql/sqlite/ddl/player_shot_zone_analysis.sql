-- player_shot_zone_analysis: output table (one row per player per analysis date), created when missing; indexed on (analysis_date, player_id), the key phase 4 joins on.
CREATE TABLE IF NOT EXISTS nba_precompute_player_shot_zone_analysis (
  analysis_date TEXT,
  season TEXT,
  player_id INTEGER,
  team_abbr TEXT,
  games_in_sample INTEGER,
  fga INTEGER,
  paint_rate REAL,
  mid_range_rate REAL,
  three_rate REAL,
  paint_pct REAL,
  mid_range_pct REAL,
  three_pct REAL,
  points_avg_last10 REAL,
  minutes_avg_last10 REAL,
  primary_zone TEXT,
  source_run_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_nba_precompute_player_shot_zone_analysis_analysis_date_player_id ON nba_precompute_player_shot_zone_analysis (analysis_date, player_id);
