-- player_composite_factors: per player expected to play on @partition, adjustment factors from his shot
-- profile against the opponent's zone defense, the game environment, rest and teammates out.
SELECT
  c.game_id,
  c.game_date,
  c.season,
  c.player_id,
  c.team_abbr,
  c.opponent_abbr,
  ROUND(100.0 * (z.paint_rate * d.paint_vs_league + z.mid_range_rate * d.mid_range_vs_league
                 + z.three_rate * d.three_vs_league), 3) AS shot_zone_mismatch,
  ROUND(u.implied_team_total / 112.0 - 1.0, 4) AS scoring_environment,
  ROUND(u.spread / 10.0, 3) AS blowout_risk,
  CASE
    WHEN u.back_to_back = 1 THEN -1.0
    WHEN COALESCE(u.days_rest, 3) >= 3 THEN 0.5
    ELSE 0.0
  END AS fatigue_factor,
  ROUND(0.5 * u.players_out, 2) AS usage_opportunity,
  ROUND(
    100.0 * (z.paint_rate * d.paint_vs_league + z.mid_range_rate * d.mid_range_vs_league
             + z.three_rate * d.three_vs_league)
    + 10.0 * (u.implied_team_total / 112.0 - 1.0)
    - ABS(u.spread) / 10.0
    + CASE WHEN u.back_to_back = 1 THEN -1.0 WHEN COALESCE(u.days_rest, 3) >= 3 THEN 0.5 ELSE 0.0 END
    + 0.5 * u.players_out, 3) AS composite_adjustment,
  c.points_line,
  @run_id AS source_run_id
FROM nba_analytics_upcoming_player_game_context AS c
JOIN nba_analytics_upcoming_team_game_context AS u
  ON u.game_date = c.game_date AND u.game_id = c.game_id AND u.team_abbr = c.team_abbr
JOIN nba_precompute_player_shot_zone_analysis AS z
  ON z.analysis_date = @partition AND z.player_id = c.player_id
JOIN nba_precompute_team_defense_zone_analysis AS d
  ON d.analysis_date = @partition AND d.team_abbr = c.opponent_abbr
WHERE c.game_date = @partition
  AND c.injury_status <> 'out'
