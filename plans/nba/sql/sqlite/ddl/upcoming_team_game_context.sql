-- upcoming_team_game_context: output table (one row per team per game), created when missing; indexed on game_date.
CREATE TABLE IF NOT EXISTS nba_analytics_upcoming_team_game_context (
  game_id TEXT,
  game_date TEXT,
  season TEXT,
  season_type TEXT,
  team_abbr TEXT,
  opponent_abbr TEXT,
  is_home INTEGER,
  days_rest INTEGER,
  back_to_back INTEGER,
  games_last_7d INTEGER,
  spread REAL,
  game_total REAL,
  implied_team_total REAL,
  players_out INTEGER,
  players_questionable INTEGER,
  opponent_players_out INTEGER,
  source_run_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_nba_analytics_upcoming_team_game_context_game_date ON nba_analytics_upcoming_team_game_context (game_date);
