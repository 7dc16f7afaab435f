-- One row per team per game: 2 × the games scheduled on the partition's date.
SELECT 2 * COUNT(*) AS min_rows
FROM nba_raw_schedule
WHERE game_date = @partition
