// A write that cannot get the lock within the busy timeout is a retryable BACKEND error, and the
// retry succeeds once the lock is free; the table never sees a partial replace.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { UnitError } from '../../../machines/index.js';
import { SqliteWarehouse } from '../../../src/warehouse/index.js';
import { contractStep, unitOf } from './contract.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
let wh: SqliteWarehouse;
beforeEach(async () => {
  fx = await makeSqliteFixture(1);
  wh = new SqliteWarehouse(fx.path, { poolSize: 1, busyTimeoutMs: 50 });
});
afterEach(async () => {
  await wh.close();
  await fx.close();
});

it('fails retryably while another connection holds the write lock, then succeeds', async () => {
  const step = contractStep(fx, 'SELECT day, k, v FROM src WHERE day = @partition');
  const holder = new Database(fx.path);
  holder.exec("BEGIN IMMEDIATE; INSERT INTO dst VALUES ('2024-01-01', 99, 'stale');");
  const err = await wh.materialize(unitOf(step, '2024-01-01')).then(
    () => undefined,
    (e: unknown) => e,
  );
  holder.exec('ROLLBACK');
  holder.close();
  expect(err).toBeInstanceOf(UnitError);
  expect((err as UnitError).code).toBe('BACKEND');
  expect((err as UnitError).retryable).toBe(true);
  expect((err as UnitError).message).toContain('SQLITE_BUSY');
  expect((await wh.materialize(unitOf(step, '2024-01-01', 2))).rows).toBe(3);
  expect(await wh.query('SELECT COUNT(*) AS n FROM dst')).toEqual([{ n: 3 }]);
});
