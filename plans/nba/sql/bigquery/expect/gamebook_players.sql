-- One row per player listed in the raw gamebook for the partition's date.
SELECT COUNT(*) AS min_rows
FROM `nba-props-platform.nba_raw.gamebook_player_stats`
WHERE game_date = @partition
