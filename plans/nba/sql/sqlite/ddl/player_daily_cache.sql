-- player_daily_cache: output table (one row per playing player per cache date), created when missing; indexed on (cache_date, player_id), the key ml_feature_store joins on.
CREATE TABLE IF NOT EXISTS nba_precompute_player_daily_cache (
  cache_date TEXT,
  season TEXT,
  player_id INTEGER,
  team_abbr TEXT,
  opponent_abbr TEXT,
  games_last_60d INTEGER,
  points_avg_60d REAL,
  points_avg_last5 REAL,
  points_avg_last10 REAL,
  minutes_avg_last5 REAL,
  usage_rate_last10 REAL,
  ts_pct_last10 REAL,
  team_pace_last10 REAL,
  team_off_rating_last10 REAL,
  points_line REAL,
  injury_status TEXT,
  source_run_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_nba_precompute_player_daily_cache_cache_date_player_id ON nba_precompute_player_daily_cache (cache_date, player_id);
