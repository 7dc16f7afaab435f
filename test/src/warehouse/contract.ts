// The warehouse contract every backend must meet, as separately callable cases over a seeded fixture.
// Backends provide the fixture (tables and seed rows below); the cases only use the Warehouse interface.

import { describe, expect, it } from 'vitest';
import { type StepSpec, UnitError } from '../../../machines/index.js';
import type { UnitRef, Warehouse } from '../../../src/warehouse/index.js';

/** Seed rows of the source table, (day, k, v): 3 rows on the first day, 2 on the second, 1 on the third. */
export const CONTRACT_DAYS = ['2024-01-01', '2024-01-02', '2024-01-03'] as const;
export const CONTRACT_ROWS: { day: string; k: number; v: string }[] = [
  { day: '2024-01-01', k: 1, v: 'a' },
  { day: '2024-01-01', k: 2, v: 'b' },
  { day: '2024-01-01', k: 3, v: 'c' },
  { day: '2024-01-02', k: 1, v: 'd' },
  { day: '2024-01-02', k: 2, v: 'e' },
  { day: '2024-01-03', k: 1, v: 'f' },
];

export interface ContractFixture {
  wh: Warehouse;
  /** Holds CONTRACT_ROWS; columns day (date), k (integer), v (text). */
  source: string;
  /** Empty, same columns as the source; `day` is its partition column. */
  target: string;
  close(): Promise<void>;
}

export type MakeFixture = () => Promise<ContractFixture>;

const RANGE = { start: '2024-01-01', end: '2024-01-31' };

export function contractStep(fx: ContractFixture, sql: string, extra: Partial<StepSpec> = {}): StepSpec {
  return {
    id: 'contract_step',
    table: fx.target,
    kind: 'sql',
    partitionColumn: 'day',
    sql,
    concurrency: 1,
    retries: 0,
    refill: 'missing',
    ...extra,
  };
}

export function unitOf(step: StepSpec, partition: string, attempt = 1): UnitRef {
  return { runId: 'contract-run', step, partition, attempt, range: RANGE };
}

const selectDay = (fx: ContractFixture) => `SELECT day, k, v FROM ${fx.source} WHERE day = @partition`;

async function rejection(p: Promise<unknown>): Promise<UnitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnitError);
  return err as UnitError;
}

async function targetRows(fx: ContractFixture, day: string): Promise<{ k: number; v: string }[]> {
  const rows = await fx.wh.query(`SELECT k, v FROM ${fx.target} WHERE day = @partition ORDER BY k`, {
    partition: day,
  });
  return rows.map((r) => ({ k: Number(r.k), v: String(r.v) }));
}

export const contractCases: Record<string, (fx: ContractFixture) => Promise<void>> = {
  async listPartitions(fx) {
    // Backticks: `partition` is reserved in GoogleSQL, and SQLite accepts backtick-quoted names too.
    const sql = `SELECT day AS \`partition\` FROM ${fx.source} WHERE day BETWEEN @start AND @end ORDER BY day DESC`;
    expect(await fx.wh.listPartitions(sql, { start: '2024-01-02', end: '2024-01-31' })).toEqual([
      '2024-01-02',
      '2024-01-03',
    ]);
  },

  async partitionCounts(fx) {
    const step = contractStep(fx, selectDay(fx));
    for (const day of CONTRACT_DAYS) await fx.wh.materialize(unitOf(step, day));
    const counts = await fx.wh.partitionCounts(fx.target, 'day', { start: '2024-01-01', end: '2024-01-02' });
    expect(Object.fromEntries(counts)).toEqual({ '2024-01-01': 3, '2024-01-02': 2 });
  },

  async partitionCountsMissingTable(fx) {
    const err = await rejection(fx.wh.partitionCounts(`${fx.target}_absent`, 'day', RANGE));
    expect(err.code).toBe('QUERY');
  },

  async materializeIsIdempotent(fx) {
    const step = contractStep(fx, selectDay(fx));
    const first = await fx.wh.materialize(unitOf(step, '2024-01-01'));
    const second = await fx.wh.materialize(unitOf(step, '2024-01-01', 2));
    expect([first.rows, second.rows]).toEqual([3, 3]);
    expect(await targetRows(fx, '2024-01-01')).toEqual([
      { k: 1, v: 'a' },
      { k: 2, v: 'b' },
      { k: 3, v: 'c' },
    ]);
  },

  async replaceLeavesOtherPartitions(fx) {
    const all = contractStep(fx, selectDay(fx));
    await fx.wh.materialize(unitOf(all, '2024-01-01'));
    await fx.wh.materialize(unitOf(all, '2024-01-02'));
    const narrow = contractStep(fx, `${selectDay(fx)} AND k = 2`);
    // A new attempt: on BigQuery the same attempt's job id would attach to the first job.
    expect((await fx.wh.materialize(unitOf(narrow, '2024-01-01', 2))).rows).toBe(1);
    expect(await targetRows(fx, '2024-01-01')).toEqual([{ k: 2, v: 'b' }]);
    expect(await targetRows(fx, '2024-01-02')).toEqual([
      { k: 1, v: 'd' },
      { k: 2, v: 'e' },
    ]);
  },

  async columnsMatchedByName(fx) {
    const step = contractStep(fx, `SELECT v, k, day FROM ${fx.source} WHERE day = @partition`);
    await fx.wh.materialize(unitOf(step, '2024-01-02'));
    expect(await targetRows(fx, '2024-01-02')).toEqual([
      { k: 1, v: 'd' },
      { k: 2, v: 'e' },
    ]);
  },

  async minRowsShortFails(fx) {
    const step = contractStep(fx, selectDay(fx), { expect: { minRows: 'SELECT 5 AS min_rows' } });
    const err = await rejection(fx.wh.materialize(unitOf(step, '2024-01-01')));
    expect(err.code).toBe('EXPECTATION');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('contract_step');
    expect(err.message).toContain('2024-01-01');
    expect(err.message).toContain('3 rows, expected at least 5');
    const counts = await fx.wh.partitionCounts(fx.target, 'day', RANGE);
    expect(counts.has('2024-01-01')).toBe(false);
  },

  async minRowsShortKeepsPreviousContent(fx) {
    await fx.wh.materialize(unitOf(contractStep(fx, selectDay(fx)), '2024-01-02'));
    const strict = contractStep(fx, `${selectDay(fx)} AND k = 1`, {
      expect: { minRows: 'SELECT 2 AS min_rows' },
    });
    const err = await rejection(fx.wh.materialize(unitOf(strict, '2024-01-02')));
    expect(err.code).toBe('EXPECTATION');
    expect(await targetRows(fx, '2024-01-02')).toEqual([
      { k: 1, v: 'd' },
      { k: 2, v: 'e' },
    ]);
  },

  async syntaxErrorIsQuery(fx) {
    const step = contractStep(fx, `SELEC day, k, v FROM ${fx.source} WHERE day = @partition`);
    const err = await rejection(fx.wh.materialize(unitOf(step, '2024-01-03')));
    expect(err.code).toBe('QUERY');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('contract_step');
    expect(err.message).toContain('2024-01-03');
  },

  async missingSourceTableIsQuery(fx) {
    const step = contractStep(fx, `SELECT day, k, v FROM ${fx.source}_absent WHERE day = @partition`);
    const err = await rejection(fx.wh.materialize(unitOf(step, '2024-01-01')));
    expect(err.code).toBe('QUERY');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('2024-01-01');
  },
};

export type ContractCase = keyof typeof contractCases;

/** Registers every contract case (or the ones named) against a backend; each case gets a fresh fixture. */
export function describeWarehouseContract(name: string, make: MakeFixture, only?: ContractCase[]): void {
  describe(`warehouse contract: ${name}`, () => {
    for (const [caseName, run] of Object.entries(contractCases)) {
      if (only && !only.includes(caseName)) continue;
      it(caseName, async () => {
        const fx = await make();
        try {
          await run(fx);
        } finally {
          await fx.close();
        }
      });
    }
  });
}
