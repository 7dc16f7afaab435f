-- One row per player listed in the raw gamebook for the partition's date.
SELECT COUNT(*) AS min_rows
FROM nba_raw_gamebook_player_stats
WHERE game_date = @partition
