-- Phase 4 gate check: no partition in the range is short of rows. A zone-analysis date has every team;
-- composite factors and feature rows exist for every zone-analysis date; the feature store has one row per
-- composite-factor row; the daily cache has every player who has composite factors.
WITH tdza AS (
  SELECT analysis_date AS d, COUNT(*) AS n FROM `nba-props-platform.nba_precompute.team_defense_zone_analysis`
  WHERE analysis_date BETWEEN @start AND @end GROUP BY analysis_date
),
pcf AS (
  SELECT game_date AS d, COUNT(*) AS n FROM `nba-props-platform.nba_precompute.player_composite_factors`
  WHERE game_date BETWEEN @start AND @end GROUP BY game_date
),
mlfs AS (
  SELECT game_date AS d, COUNT(*) AS n FROM `nba-props-platform.nba_predictions.ml_feature_store_v2`
  WHERE game_date BETWEEN @start AND @end GROUP BY game_date
),
uncached AS (
  SELECT DISTINCT f.game_date AS d
  FROM `nba-props-platform.nba_precompute.player_composite_factors` AS f
  LEFT JOIN `nba-props-platform.nba_precompute.player_daily_cache` AS c ON c.cache_date = f.game_date AND c.player_id = f.player_id
  WHERE f.game_date BETWEEN @start AND @end AND c.player_id IS NULL
),
short AS (
  SELECT d, FORMAT('team_defense_zone_analysis has %d of %d teams', n,
                   (SELECT COUNT(*) FROM `nba-props-platform.nba_raw.teams`)) AS why
  FROM tdza WHERE n < (SELECT COUNT(*) FROM `nba-props-platform.nba_raw.teams`)
  UNION ALL
  SELECT t.d, 'player_composite_factors has no rows' FROM tdza AS t LEFT JOIN pcf AS p ON p.d = t.d WHERE p.d IS NULL
  UNION ALL
  SELECT p.d, FORMAT('ml_feature_store has %d of %d rows', COALESCE(m.n, 0), p.n)
  FROM pcf AS p LEFT JOIN mlfs AS m ON m.d = p.d WHERE COALESCE(m.n, 0) < p.n
  UNION ALL
  SELECT d, 'player_daily_cache lacks players with composite factors' FROM uncached
)
SELECT
  COUNT(*) = 0 AS ok,
  CASE WHEN COUNT(*) = 0 THEN 'every phase 4 partition has its rows'
       ELSE FORMAT('%d short partitions, first %t: %s', COUNT(*), MIN(d), (SELECT why FROM short ORDER BY d LIMIT 1))
  END AS detail
FROM short
