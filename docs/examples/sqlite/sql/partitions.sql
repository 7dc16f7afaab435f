-- The partitions of the run: every date with orders between @start and @end, in a column named "partition".
SELECT DISTINCT date(ordered_at) AS "partition"
FROM orders
WHERE date(ordered_at) BETWEEN @start AND @end
ORDER BY 1
