-- One partition of customer_daily: a row per customer who ordered on @partition. phased writes the result
-- to customer_daily$YYYYMMDD with WRITE_TRUNCATE, replacing that day only.
SELECT
  DATE(ordered_at) AS order_date,
  customer_id,
  COUNT(*) AS orders,
  ROUND(SUM(amount), 2) AS revenue,
  @run_id AS source_run_id
FROM `shop.orders`
WHERE DATE(ordered_at) = @partition
GROUP BY order_date, customer_id
