// Warehouse SQL runs off the main thread: timers keep firing while a long statement executes.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
beforeEach(async () => {
  fx = await makeSqliteFixture(1);
});
afterEach(async () => {
  await fx.close();
});

it('keeps the event loop turning during a long query', async () => {
  await fx.wh.query('SELECT 1 AS warm');
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
  }, 1);
  try {
    const rows = await fx.wh.query(
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT COUNT(*) AS n FROM c',
    );
    expect(rows).toEqual([{ n: 1000000 }]);
  } finally {
    clearInterval(timer);
  }
  // Had the statement run synchronously on this thread, no timer could have fired before it resolved.
  expect(ticks).toBeGreaterThan(0);
});
