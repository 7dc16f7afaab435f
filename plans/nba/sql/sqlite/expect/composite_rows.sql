-- The feature store keeps one row per composite-factor row of the same date.
SELECT COUNT(*) AS min_rows
FROM nba_precompute_player_composite_factors
WHERE game_date = @partition
