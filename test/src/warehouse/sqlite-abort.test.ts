// An AbortSignal cancels a materialize that is queued or running: it rejects with CANCELLED at once,
// writes nothing, and later requests still run.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { UnitError } from '../../../machines/index.js';
import { contractStep, unitOf } from './contract.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
beforeEach(async () => {
  fx = await makeSqliteFixture(1);
});
afterEach(async () => {
  await fx.close();
});

const SLOW = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000)
              SELECT COUNT(*) AS n FROM c`;

it('cancels a queued materialize without running it', async () => {
  const step = contractStep(fx, 'SELECT day, k, v FROM src WHERE day = @partition');
  const busy = fx.wh.query(SLOW);
  const ctrl = new AbortController();
  const queued = fx.wh.materialize(unitOf(step, '2024-01-01'), ctrl.signal).then(
    () => undefined,
    (e: unknown) => e,
  );
  ctrl.abort();
  const err = await queued;
  expect(err).toBeInstanceOf(UnitError);
  expect((err as UnitError).code).toBe('CANCELLED');
  await busy;
  expect(await fx.wh.query('SELECT COUNT(*) AS n FROM dst')).toEqual([{ n: 0 }]);
});

it('rejects an already-aborted signal before dispatch', async () => {
  const step = contractStep(fx, 'SELECT day, k, v FROM src WHERE day = @partition');
  const err = await fx.wh.materialize(unitOf(step, '2024-01-02'), AbortSignal.abort()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((err as UnitError).code).toBe('CANCELLED');
  expect(await fx.wh.query('SELECT COUNT(*) AS n FROM dst')).toEqual([{ n: 0 }]);
});

it('cancels a running materialize and serves the next request on a fresh worker', async () => {
  const slowStep = contractStep(
    fx,
    `${SLOW.replace('COUNT(*) AS n', "@partition AS day, COUNT(*) AS k, 'x' AS v")}`,
  );
  await fx.wh.query('SELECT 1 AS warm');
  const ctrl = new AbortController();
  const running = fx.wh.materialize(unitOf(slowStep, '2024-01-03'), ctrl.signal).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(fx.wh.busyWorkers()).toHaveLength(1);
  ctrl.abort();
  const err = await running;
  expect((err as UnitError).code).toBe('CANCELLED');
  expect(fx.wh.busyWorkers()).toHaveLength(0);
  expect(await fx.wh.query('SELECT COUNT(*) AS n FROM src')).toEqual([{ n: 6 }]);
});
