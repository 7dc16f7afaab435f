-- At least every player with a points line that day gets a pre-game context row.
SELECT COUNT(DISTINCT player_id) AS min_rows
FROM `nba-props-platform.nba_raw.odds_player_points`
WHERE game_date = @partition
