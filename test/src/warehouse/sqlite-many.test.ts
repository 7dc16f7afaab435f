// materializeMany: the SQLite partition replace for many partitions in one transaction (the demo's baseline
// fill). It writes what materialize writes, judges each partition the same way, and writes all or nothing.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { UnitError } from '../../../machines/index.js';
import { CONTRACT_DAYS, contractStep, unitOf } from './contract.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
beforeEach(async () => {
  fx = await makeSqliteFixture(2);
});
afterEach(async () => {
  await fx.close();
});

const selectDay = 'SELECT day, k, v FROM src WHERE day = @partition';

async function dst(): Promise<string[]> {
  const rows = await fx.wh.query('SELECT day, k, v FROM dst ORDER BY day, k');
  return rows.map((r) => `${r.day}/${r.k}/${r.v}`);
}

it('replaces each partition as materialize does, and again idempotently', async () => {
  const step = contractStep(fx, selectDay);
  const results = await fx.wh.materializeMany(CONTRACT_DAYS.map((d) => unitOf(step, d)));
  expect(results.map((r) => r.rows)).toEqual([3, 2, 1]);
  const many = await dst();
  expect(many).toEqual([
    '2024-01-01/1/a',
    '2024-01-01/2/b',
    '2024-01-01/3/c',
    '2024-01-02/1/d',
    '2024-01-02/2/e',
    '2024-01-03/1/f',
  ]);
  await fx.wh.materializeMany(CONTRACT_DAYS.map((d) => unitOf(step, d, 2)));
  expect(await dst()).toEqual(many);
});

it('writes nothing when one partition of the batch is refused', async () => {
  await fx.wh.materialize(unitOf(contractStep(fx, selectDay), '2024-01-01'));
  const before = await dst();
  // Short of rows on 2024-01-02 and 2024-01-03 (2 and 1 rows): the batch fails, 2024-01-01 keeps its rows.
  const strict = contractStep(fx, `${selectDay} AND k = 1`, { expect: { minRows: 'SELECT 2 AS min_rows' } });
  const err = await fx.wh.materializeMany(CONTRACT_DAYS.map((d) => unitOf(strict, d, 2))).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnitError);
  expect((err as UnitError).code).toBe('EXPECTATION');
  expect((err as UnitError).message).toContain('partition 2024-01-01: 1 rows, expected at least 2');
  expect(await dst()).toEqual(before);
});

it('rolls back every partition when a later write of the batch fails', async () => {
  await fx.wh.execute("CREATE TABLE checked (day TEXT, k INTEGER, v TEXT CHECK (v <> 'f'))");
  const step = contractStep(fx, selectDay, { table: 'checked' });
  // 2024-01-03's row has v = 'f': its insert fails after the first two partitions were written.
  const err = await fx.wh.materializeMany(CONTRACT_DAYS.map((d) => unitOf(step, d))).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnitError);
  expect((err as UnitError).message).toMatch(/CHECK constraint failed/);
  expect(await fx.wh.query('SELECT COUNT(*) AS n FROM checked')).toEqual([{ n: 0 }]);
});
