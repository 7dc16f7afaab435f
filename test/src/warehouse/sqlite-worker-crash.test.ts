// A worker killed in the middle of a query fails its request retryably (never a hang), and the
// warehouse carries on with a fresh worker.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { UnitError } from '../../../machines/index.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
beforeEach(async () => {
  fx = await makeSqliteFixture(1);
});
afterEach(async () => {
  await fx.close();
});

// Long enough to still be running when the worker is killed, short enough to end soon after.
const SLOW = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)
              SELECT COUNT(*) AS n FROM c`;

it('turns a terminated worker into a retryable BACKEND error', async () => {
  await fx.wh.query('SELECT 1 AS warm');
  const pending = fx.wh.query(SLOW).then(
    () => undefined,
    (e: unknown) => e,
  );
  const [worker] = fx.wh.busyWorkers();
  expect(worker).toBeDefined();
  await worker.terminate();
  const err = await pending;
  expect(err).toBeInstanceOf(UnitError);
  expect((err as UnitError).code).toBe('BACKEND');
  expect((err as UnitError).retryable).toBe(true);
  expect(await fx.wh.query('SELECT COUNT(*) AS n FROM src')).toEqual([{ n: 6 }]);
});
