-- Gate check: customer_daily's revenue over the range equals the orders' amounts. One row: ok and detail.
WITH written AS (
  SELECT COALESCE(SUM(revenue), 0) AS total
  FROM `shop.customer_daily`
  WHERE order_date BETWEEN @start AND @end
),
source AS (
  SELECT COALESCE(SUM(amount), 0) AS total
  FROM `shop.orders`
  WHERE DATE(ordered_at) BETWEEN @start AND @end
)
SELECT
  ABS(written.total - source.total) < 0.005 AS ok,
  FORMAT('customer_daily %t, orders %t', written.total, source.total) AS detail
FROM written CROSS JOIN source
