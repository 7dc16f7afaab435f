-- Prerequisite: orders have arrived up to the end of the range. One row: ok decides, detail explains.
SELECT
  COALESCE(MAX(date(ordered_at)) >= @end, 0) AS ok,
  'latest order on ' || COALESCE(MAX(date(ordered_at)), 'no date') || '; the run needs ' || @end AS detail
FROM orders
