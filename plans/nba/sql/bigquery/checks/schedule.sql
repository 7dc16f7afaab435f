-- Prerequisite: the raw schedule covers the whole run range.
SELECT
  COALESCE(MIN(game_date) <= @start AND MAX(game_date) >= @end, FALSE) AS ok,
  FORMAT('schedule spans %t … %t (%d game dates); the run needs %t … %t',
         MIN(game_date), MAX(game_date), COUNT(DISTINCT game_date), @start, @end) AS detail
FROM `nba-props-platform.nba_raw.schedule`
