-- One partition of customer_daily: a row per customer who ordered on @partition. The partition column
-- (order_date) must equal @partition on every row; phased deletes the day's old rows and inserts these.
SELECT
  date(ordered_at) AS order_date,
  customer_id,
  COUNT(*) AS orders,
  ROUND(SUM(amount), 2) AS revenue,
  @run_id AS source_run_id
FROM orders
WHERE date(ordered_at) = @partition
GROUP BY date(ordered_at), customer_id
