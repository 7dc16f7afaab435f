-- A small sample warehouse for this plan: `phased init` runs it into warehouse.db (as `sqlite3 warehouse.db < sample-data.sql` would).
-- Running it again leaves the same rows.
CREATE TABLE IF NOT EXISTS orders (
  order_id INTEGER PRIMARY KEY,
  ordered_at TEXT NOT NULL,
  customer_id INTEGER NOT NULL,
  amount REAL NOT NULL
);
INSERT OR REPLACE INTO orders (order_id, ordered_at, customer_id, amount) VALUES
  (1, '2024-01-01 09:15:00', 101, 25.00),
  (2, '2024-01-01 11:40:00', 102, 12.50),
  (3, '2024-01-01 18:05:00', 101, 7.25),
  (4, '2024-01-02 10:00:00', 103, 40.00),
  (5, '2024-01-03 08:30:00', 102, 15.00),
  (6, '2024-01-03 13:20:00', 104, 9.99),
  (7, '2024-01-03 21:45:00', 105, 60.00),
  (8, '2024-01-05 12:00:00', 101, 18.75),
  (9, '2024-01-06 16:10:00', 103, 5.00),
  (10, '2024-01-07 19:55:00', 104, 33.30);
