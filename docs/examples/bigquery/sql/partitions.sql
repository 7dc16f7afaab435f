-- The partitions of the run: every date with orders between @start and @end (DATE parameters), in a
-- column named `partition` (a reserved word in GoogleSQL: keep the backticks).
SELECT DISTINCT DATE(ordered_at) AS `partition`
FROM `shop.orders`
WHERE DATE(ordered_at) BETWEEN @start AND @end
ORDER BY 1
