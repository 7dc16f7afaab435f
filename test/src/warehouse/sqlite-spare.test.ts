// A spare worker started before the warehouse is known (what `phased resume` does as it begins) is adopted by the
// first SQLite pool, which posts it the connection settings; a spare no pool took is stopped.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { WorkerPool, workerScript } from '../../../src/warehouse/sqlite-pool.js';
import {
  discardSpareWorker,
  startSpareWorker,
  takeSpareWorker,
} from '../../../src/warehouse/sqlite-spare.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
beforeEach(async () => {
  fx = await makeSqliteFixture(1);
});
afterEach(async () => {
  discardSpareWorker();
  await fx.close();
});

it('the first pool adopts the spare and its connection serves the warehouse file', async () => {
  startSpareWorker();
  const pool = new WorkerPool({ path: fx.path, create: false, busyTimeoutMs: 1000 }, 1);
  try {
    expect(await pool.run('query', { sql: 'SELECT COUNT(*) AS n FROM src', params: {} })).toEqual([{ n: 6 }]);
    // Adopted: nothing is left to take.
    expect(takeSpareWorker(workerScript())).toBeUndefined();
    expect(pool.busyWorkers()).toHaveLength(0);
  } finally {
    await pool.close();
  }
});

it('a spare fails its request like any worker when the settings name a file that is not there', async () => {
  startSpareWorker();
  const pool = new WorkerPool({ path: `${fx.path}.missing`, create: false, busyTimeoutMs: 1000 }, 1);
  try {
    const err = await pool.run('query', { sql: 'SELECT 1', params: {} }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(err?.code).toBe('BACKEND');
    expect(err?.message).toContain('failed to start');
  } finally {
    await pool.close();
  }
});

it('a spare no pool took is stopped by discardSpareWorker', async () => {
  const spare = startSpareWorker();
  expect(spare).toBeDefined();
  const exited = new Promise<number>((r) => spare!.once('exit', r));
  discardSpareWorker();
  expect(typeof (await exited)).toBe('number');
  expect(takeSpareWorker(workerScript())).toBeUndefined();
});
