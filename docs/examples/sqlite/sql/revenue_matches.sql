-- Gate check: customer_daily's revenue over the range equals the orders' amounts. One row: ok and detail.
WITH written AS (
  SELECT COALESCE(SUM(revenue), 0) AS total FROM customer_daily WHERE order_date BETWEEN @start AND @end
),
source AS (
  SELECT COALESCE(SUM(amount), 0) AS total FROM orders WHERE date(ordered_at) BETWEEN @start AND @end
)
SELECT
  ABS(written.total - source.total) < 0.005 AS ok,
  'customer_daily ' || ROUND(written.total, 2) || ', orders ' || ROUND(source.total, 2) AS detail
FROM written, source
