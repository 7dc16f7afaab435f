-- Prerequisite: the raw schedule covers the whole run range.
SELECT
  COALESCE(MIN(game_date) <= @start AND MAX(game_date) >= @end, 0) AS ok,
  'schedule spans ' || COALESCE(MIN(game_date), 'nothing') || ' … ' || COALESCE(MAX(game_date), 'nothing')
    || ' (' || COUNT(DISTINCT game_date) || ' game dates); the run needs ' || @start || ' … ' || @end AS detail
FROM nba_raw_schedule
