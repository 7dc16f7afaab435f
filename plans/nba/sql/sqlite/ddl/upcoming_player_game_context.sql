-- upcoming_player_game_context: output table (one row per rostered player per game), created when missing; indexed on game_date.
CREATE TABLE IF NOT EXISTS nba_analytics_upcoming_player_game_context (
  game_id TEXT,
  game_date TEXT,
  season TEXT,
  season_type TEXT,
  player_id INTEGER,
  player_name TEXT,
  team_abbr TEXT,
  opponent_abbr TEXT,
  is_home INTEGER,
  team_days_rest INTEGER,
  back_to_back INTEGER,
  days_since_last_played INTEGER,
  games_last_30d INTEGER,
  points_avg_last5 REAL,
  minutes_avg_last5 REAL,
  points_line REAL,
  injury_status TEXT,
  source_run_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_nba_analytics_upcoming_player_game_context_game_date ON nba_analytics_upcoming_player_game_context (game_date);
