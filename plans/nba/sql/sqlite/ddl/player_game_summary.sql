-- player_game_summary: output table (one row per player per game), created when missing; indexed on game_date.
CREATE TABLE IF NOT EXISTS nba_analytics_player_game_summary (
  game_id TEXT,
  game_date TEXT,
  season TEXT,
  season_type TEXT,
  player_id INTEGER,
  player_name TEXT,
  team_abbr TEXT,
  opponent_abbr TEXT,
  is_home INTEGER,
  starter INTEGER,
  minutes_played INTEGER,
  points INTEGER,
  fga INTEGER,
  fgm INTEGER,
  fg3a INTEGER,
  fg3m INTEGER,
  fta INTEGER,
  ftm INTEGER,
  paint_attempts INTEGER,
  paint_makes INTEGER,
  mid_range_attempts INTEGER,
  mid_range_makes INTEGER,
  turnovers INTEGER,
  rebounds INTEGER,
  assists INTEGER,
  ts_pct REAL,
  usage_rate REAL,
  points_line REAL,
  over_under_result TEXT,
  source_run_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_nba_analytics_player_game_summary_game_date ON nba_analytics_player_game_summary (game_date);
CREATE INDEX IF NOT EXISTS ix_nba_analytics_player_game_summary_player ON nba_analytics_player_game_summary (player_id, game_date);
CREATE INDEX IF NOT EXISTS ix_nba_analytics_player_game_summary_recent
  ON nba_analytics_player_game_summary (game_date, player_id, minutes_played, season);
