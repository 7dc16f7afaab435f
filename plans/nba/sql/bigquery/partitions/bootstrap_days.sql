-- Bootstrap window: the first 14 calendar days of each season, when rolling features have no history yet.
WITH season_start AS (
  SELECT season, MIN(game_date) AS first_day
  FROM `nba-props-platform.nba_raw.schedule`
  GROUP BY season
)
SELECT DISTINCT s.game_date AS `partition`
FROM `nba-props-platform.nba_raw.schedule` AS s
JOIN season_start AS f ON f.season = s.season
WHERE s.game_date < DATE_ADD(f.first_day, INTERVAL 14 DAY)
  AND s.game_date BETWEEN @start AND @end
ORDER BY 1
