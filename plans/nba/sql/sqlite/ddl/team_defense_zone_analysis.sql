-- team_defense_zone_analysis: output table (one row per team per analysis date), created when missing; indexed on (analysis_date, team_abbr), the key phase 4 joins on.
CREATE TABLE IF NOT EXISTS nba_precompute_team_defense_zone_analysis (
  analysis_date TEXT,
  season TEXT,
  team_abbr TEXT,
  games_in_sample INTEGER,
  paint_attempts_allowed_pg REAL,
  paint_pct_allowed REAL,
  paint_vs_league REAL,
  mid_range_attempts_allowed_pg REAL,
  mid_range_pct_allowed REAL,
  mid_range_vs_league REAL,
  three_attempts_allowed_pg REAL,
  three_pct_allowed REAL,
  three_vs_league REAL,
  points_allowed_pg REAL,
  defensive_rating REAL,
  weakest_zone TEXT,
  source_run_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_nba_precompute_team_defense_zone_analysis_analysis_date_team_abbr ON nba_precompute_team_defense_zone_analysis (analysis_date, team_abbr);
