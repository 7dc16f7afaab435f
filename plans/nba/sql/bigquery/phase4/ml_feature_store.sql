-- ml_feature_store (v2): one feature row per player with composite factors on @partition, joining his daily
-- cache, shot profile and the opponent's zone defense. Rows join back to player_game_summary by player and date.
SELECT
  f.game_id,
  f.game_date,
  f.season,
  f.player_id,
  f.team_abbr,
  f.opponent_abbr,
  'v2' AS feature_version,
  c.points_avg_last5,
  c.points_avg_last10,
  c.points_avg_60d,
  c.minutes_avg_last5,
  c.usage_rate_last10,
  c.ts_pct_last10,
  c.team_pace_last10,
  z.paint_rate,
  z.mid_range_rate,
  z.three_rate,
  z.primary_zone,
  d.defensive_rating AS opp_defensive_rating,
  d.weakest_zone AS opp_weakest_zone,
  f.shot_zone_mismatch,
  f.scoring_environment,
  f.fatigue_factor,
  f.usage_opportunity,
  f.composite_adjustment,
  f.points_line,
  ROUND(c.points_avg_last10 + f.composite_adjustment, 2) AS baseline_projection,
  ROUND(c.points_avg_last10 + f.composite_adjustment - f.points_line, 2) AS projection_edge,
  @run_id AS source_run_id
FROM `nba-props-platform.nba_precompute.player_composite_factors` AS f
JOIN `nba-props-platform.nba_precompute.player_daily_cache` AS c
  ON c.cache_date = @partition AND c.player_id = f.player_id
JOIN `nba-props-platform.nba_precompute.player_shot_zone_analysis` AS z
  ON z.analysis_date = @partition AND z.player_id = f.player_id
JOIN `nba-props-platform.nba_precompute.team_defense_zone_analysis` AS d
  ON d.analysis_date = @partition AND d.team_abbr = f.opponent_abbr
WHERE f.game_date = @partition
