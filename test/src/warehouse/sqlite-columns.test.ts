// A step's SELECT is written by column name: unknown columns, a missing partition column or rows of
// another partition are QUERY errors that name the problem, and nothing is written.
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

async function failure(sql: string, table = 'dst'): Promise<UnitError> {
  const err = await fx.wh.materialize(unitOf(contractStep(fx, sql, { table }), '2024-01-01')).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnitError);
  expect((err as UnitError).code).toBe('QUERY');
  expect((err as UnitError).retryable).toBe(false);
  return err as UnitError;
}

async function dstRows(): Promise<number> {
  return Number((await fx.wh.query('SELECT COUNT(*) AS n FROM dst'))[0].n);
}

it('names SELECT columns that the target table lacks', async () => {
  const err = await failure("SELECT day, k, v, 'x' AS extra, 1 AS other FROM src WHERE day = @partition");
  expect(err.message).toContain('extra, other');
  expect(err.message).toContain('dst');
  expect(await dstRows()).toBe(0);
});

it('requires the partition column in the SELECT', async () => {
  const err = await failure('SELECT k, v FROM src WHERE day = @partition');
  expect(err.message).toContain('partition column day');
});

it('refuses rows that belong to another partition', async () => {
  const err = await failure('SELECT day, k, v FROM src');
  expect(err.message).toContain('2024-01-02');
  expect(await dstRows()).toBe(0);
});

it('names a target table that does not exist', async () => {
  const err = await failure('SELECT day, k, v FROM src WHERE day = @partition', 'dst_absent');
  expect(err.message).toContain('dst_absent');
});

it('fills target columns the SELECT leaves out with their defaults', async () => {
  await fx.wh.execute("CREATE TABLE dst2 (day TEXT, k INTEGER, v TEXT, note TEXT DEFAULT 'none')");
  const step = contractStep(fx, 'SELECT k, day FROM src WHERE day = @partition', { table: 'dst2' });
  expect((await fx.wh.materialize(unitOf(step, '2024-01-01'))).rows).toBe(3);
  const rows = await fx.wh.query('SELECT DISTINCT v, note FROM dst2');
  expect(rows).toEqual([{ v: null, note: 'none' }]);
});
