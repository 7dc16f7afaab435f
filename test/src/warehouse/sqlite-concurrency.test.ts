// Eight materializes at once on a pool of three workers: all complete (WAL + busy timeout), rows exact.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { contractStep, unitOf } from './contract.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
const DAYS = Array.from({ length: 8 }, (_, i) => `2024-02-${String(i + 1).padStart(2, '0')}`);

beforeEach(async () => {
  fx = await makeSqliteFixture(3);
  // 8 days × (100 + 10·i) rows, built by a recursive CTE so each SELECT does real work.
  await fx.wh.execute(`
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200)
    INSERT INTO src (day, k, v)
    SELECT printf('2024-02-%02d', d.x), n.x, 'v' || n.x FROM n, n AS d
    WHERE d.x <= 8 AND n.x <= 100 + 10 * (d.x - 1);`);
});
afterEach(async () => {
  await fx.close();
});

it('runs 8 concurrent partition replaces on 3 workers with exact rows', async () => {
  const step = contractStep(fx, 'SELECT day, k, v FROM src WHERE day = @partition');
  let peak = 0;
  const units = DAYS.map(async (day) => {
    const p = fx.wh.materialize(unitOf(step, day));
    peak = Math.max(peak, fx.wh.busyWorkers().length);
    return p;
  });
  const results = await Promise.all(units);
  expect(results.map((r) => r.rows)).toEqual(DAYS.map((_, i) => 100 + 10 * i));
  expect(peak).toBeLessThanOrEqual(3);
  expect(peak).toBeGreaterThan(1);
  const counts = await fx.wh.partitionCounts('dst', 'day', { start: '2024-02-01', end: '2024-02-29' });
  expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(DAYS.map((d, i) => [d, 100 + 10 * i])));
});

it('never duplicates rows when the same partition is replaced concurrently', async () => {
  const step = contractStep(fx, 'SELECT day, k, v FROM src WHERE day = @partition');
  await Promise.all(Array.from({ length: 8 }, (_, a) => fx.wh.materialize(unitOf(step, DAYS[0], a + 1))));
  const rows = await fx.wh.query('SELECT COUNT(*) AS n, COUNT(DISTINCT k) AS keys FROM dst');
  expect(rows).toEqual([{ n: 100, keys: 100 }]);
});
