-- Partitions: every game date (regular season and playoffs) in the schedule within the run's range.
SELECT DISTINCT game_date AS `partition`
FROM `nba-props-platform.nba_raw.schedule`
WHERE game_date BETWEEN @start AND @end
ORDER BY 1
