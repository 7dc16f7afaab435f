-- customer_daily: created during the baseline when it does not exist yet.
CREATE TABLE IF NOT EXISTS customer_daily (
  order_date TEXT NOT NULL,
  customer_id INTEGER NOT NULL,
  orders INTEGER NOT NULL,
  revenue REAL,
  source_run_id TEXT
);
CREATE INDEX IF NOT EXISTS ix_customer_daily_order_date ON customer_daily (order_date);
