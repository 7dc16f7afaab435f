// The pool never parks a request on a worker that is still starting while one that is up sits idle: the second
// of two concurrent requests is served by the first worker as soon as it is free, not by the new one.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { WorkerPool, workerScript } from '../../../src/warehouse/sqlite-pool.js';
import type { WorkerInit } from '../../../src/warehouse/sqlite-protocol.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
let pool: WorkerPool | undefined;
beforeEach(async () => {
  fx = await makeSqliteFixture(1);
});
afterEach(async () => {
  await pool?.close();
  await fx.close();
});

/** A pool of two whose second worker never finishes starting (see starting-worker.mjs). */
function poolWithStuckSecondWorker(): WorkerPool {
  const init = {
    path: fx.path,
    create: false,
    busyTimeoutMs: 1000,
    started: new SharedArrayBuffer(4),
    script: workerScript().href,
  };
  return new WorkerPool(init as WorkerInit, 2, new URL('./starting-worker.mjs', import.meta.url));
}

it('serves a request queued behind a starting worker on the idle worker that is up', async () => {
  pool = poolWithStuckSecondWorker();
  expect(await pool.run('query', { sql: 'SELECT COUNT(*) AS n FROM src', params: {} })).toEqual([{ n: 6 }]);
  // The first goes to the worker that is up; the second starts the second worker, which never gets up.
  const both = await Promise.all([
    pool.run('query', { sql: 'SELECT 1 AS a', params: {} }),
    pool.run('query', { sql: 'SELECT COUNT(*) AS n FROM src', params: {} }),
  ]);
  expect(both).toEqual([[{ a: 1 }], [{ n: 6 }]]);
});

it('still uses the second worker for a request once it is up', async () => {
  // The plain pool: two requests at once on a fresh pool of two both complete, on two workers.
  pool = new WorkerPool({ path: fx.path, create: false, busyTimeoutMs: 1000 }, 2);
  const both = await Promise.all([
    pool.run('query', { sql: 'SELECT 1 AS a', params: {} }),
    pool.run('query', { sql: 'SELECT 2 AS b', params: {} }),
  ]);
  expect(both).toEqual([[{ a: 1 }], [{ b: 2 }]]);
});
