-- Prerequisite: orders have arrived up to the end of the range. One row: ok decides, detail explains.
SELECT
  COALESCE(MAX(DATE(ordered_at)) >= @end, FALSE) AS ok,
  FORMAT('latest order on %t; the run needs %t', MAX(DATE(ordered_at)), @end) AS detail
FROM `shop.orders`
