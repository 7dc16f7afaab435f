-- The rows a complete partition has: one per customer who ordered on @partition. One row, column min_rows.
SELECT COUNT(DISTINCT customer_id) AS min_rows
FROM `shop.orders`
WHERE DATE(ordered_at) = @partition
