-- customer_daily: created during the baseline when it does not exist yet; partitioned by day on order_date.
CREATE TABLE IF NOT EXISTS `shop.customer_daily` (
  order_date DATE NOT NULL,
  customer_id INT64 NOT NULL,
  orders INT64 NOT NULL,
  revenue NUMERIC,
  source_run_id STRING
)
PARTITION BY order_date
CLUSTER BY customer_id
