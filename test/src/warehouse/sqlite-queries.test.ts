// Reads on the SQLite warehouse: partition listing is normalised, counts are exact, errors are QUERY.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { UnitError } from '../../../machines/index.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
beforeEach(async () => {
  fx = await makeSqliteFixture(2);
});
afterEach(async () => {
  await fx.close();
});

async function queryError(p: Promise<unknown>): Promise<UnitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnitError);
  expect((err as UnitError).code).toBe('QUERY');
  expect((err as UnitError).retryable).toBe(false);
  return err as UnitError;
}

it('lists partitions as sorted, distinct YYYY-MM-DD from dates, date-times and YYYYMMDD', async () => {
  await fx.wh.execute(`CREATE TABLE cal (d);
    INSERT INTO cal VALUES ('2024-03-02 10:00:00'), ('2024-03-02'), (20240301), ('2024-03-03T00:00:00Z');`);
  const dates = await fx.wh.listPartitions('SELECT d AS partition FROM cal', {});
  expect(dates).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
});

it('refuses a partition query without a `partition` column or with non-dates', async () => {
  const err = await queryError(fx.wh.listPartitions('SELECT day FROM src', {}));
  expect(err.message).toContain('partition');
  const bad = await queryError(fx.wh.listPartitions("SELECT 'soon' AS partition", {}));
  expect(bad.message).toContain('soon');
});

it('passes only the parameters a statement uses', async () => {
  const rows = await fx.wh.query('SELECT COUNT(*) AS n FROM src WHERE day = @partition', {
    partition: '2024-01-01',
    start: '2024-01-01',
    end: '2024-01-31',
    run_id: 'r',
  });
  expect(rows).toEqual([{ n: 3 }]);
});

it('counts rows per partition within the range, date-times on the last day included', async () => {
  await fx.wh.execute(`CREATE TABLE ev (at TEXT);
    INSERT INTO ev VALUES ('2024-01-01'), ('2024-01-31 23:00:00'), ('2024-01-31'), ('2024-02-01');`);
  const counts = await fx.wh.partitionCounts('ev', 'at', { start: '2024-01-01', end: '2024-01-31' });
  expect(Object.fromEntries(counts)).toEqual({ '2024-01-01': 1, '2024-01-31': 2 });
});

it('reports a missing table as a QUERY error, never an empty map', async () => {
  const err = await queryError(
    fx.wh.partitionCounts('nowhere', 'day', { start: '2024-01-01', end: '2024-01-31' }),
  );
  expect(err.message).toContain('nowhere');
});

it('runs DDL and tells which tables exist', async () => {
  expect(await fx.wh.tableExists('made')).toBe(false);
  await fx.wh.execute('CREATE TABLE made (day TEXT); CREATE VIEW made_v AS SELECT * FROM made;');
  expect(await fx.wh.tableExists('made')).toBe(true);
  expect(await fx.wh.tableExists('made_v')).toBe(true);
  await queryError(fx.wh.execute('CREATE TABLE made (day TEXT)'));
});
