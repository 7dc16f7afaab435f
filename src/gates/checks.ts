// Shared pieces of prerequisites, baseline and gates: SQL checks, per-partition minRows, error text.
// No logging and no event appends: callers record the results.

import { type CheckResult, type CheckSpec, UnitError } from '../../machines/index.js';
import type { SqlParams, WarehouseReads } from '../warehouse/index.js';

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** SQL truthiness of an `ok` column: 1, true, 'true', 'yes' … pass; 0, false, NULL, '' … fail. */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string')
    return !['', '0', 'false', 'f', 'no', 'n'].includes(value.trim().toLowerCase());
  if (typeof value === 'bigint') return value !== 0n;
  return Boolean(value);
}

/** Runs a check's SQL: its first row's `ok` decides, `detail` explains; a failing query is an error, never a pass. */
export async function runCheck(
  wh: WarehouseReads,
  check: CheckSpec,
  params: SqlParams,
): Promise<CheckResult> {
  try {
    const rows = await wh.query(check.sql, params);
    if (rows.length === 0) return { name: check.name, ok: false, detail: 'the check returned no rows' };
    const row = rows[0];
    if (!('ok' in row)) {
      return {
        name: check.name,
        ok: false,
        error: `the check returned no \`ok\` column (got ${Object.keys(row).join(', ')})`,
      };
    }
    const detail = row.detail === undefined || row.detail === null ? undefined : String(row.detail);
    return { name: check.name, ok: truthy(row.ok), ...(detail === undefined ? {} : { detail }) };
  } catch (err) {
    return { name: check.name, ok: false, error: messageOf(err) };
  }
}

/** `min_rows` per (SQL, partition), computed once per call site and shared between steps with the same SQL. */
export class MinRowsCache {
  private readonly cache = new Map<string, Promise<number>>();

  constructor(
    private readonly wh: WarehouseReads,
    private readonly base: SqlParams,
  ) {}

  get(stepId: string, sql: string, partition: string): Promise<number> {
    const key = `${partition}\u0000${sql}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.compute(stepId, sql, partition);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private async compute(stepId: string, sql: string, partition: string): Promise<number> {
    const rows = await this.wh.query(sql, { ...this.base, partition });
    const value = rows[0]?.min_rows;
    const n = Number(value);
    if (value === undefined || value === null || Number.isNaN(n)) {
      throw new UnitError(
        'QUERY',
        `expect.minRows of step ${stepId} returned no numeric min_rows for ${partition}; return one row with column min_rows`,
        false,
      );
    }
    return n;
  }
}

/**
 * How many partitions of `expected` count as present (rows, and at least min_rows when the step expects
 * some), and which are missing or short.
 * Synchronous for partitions without rows or without a minRows query; only the rest wait on a query, so a
 * calendar of 10^5 dates costs a byte per date here, not a promise per date.
 */
export async function presentPartitions(
  expected: string[],
  counts: Map<string, number>,
  minRows: { stepId: string; sql?: string; cache: MinRowsCache },
): Promise<{ present: number; missing: string[]; short: string[] }> {
  // Verdicts: 0 missing (the array's initial value), 1 present, 2 short.
  const PRESENT = 1;
  const SHORT = 2;
  const verdicts = new Uint8Array(expected.length);
  const pending: Promise<void>[] = [];
  const { sql, stepId, cache } = minRows;
  for (let i = 0; i < expected.length; i++) {
    const n = counts.get(expected[i]) ?? 0;
    if (n === 0) continue;
    if (!sql) verdicts[i] = PRESENT;
    else
      pending.push(
        cache.get(stepId, sql, expected[i]).then((min) => {
          verdicts[i] = n >= min ? PRESENT : SHORT;
        }),
      );
  }
  await Promise.all(pending);
  let present = 0;
  const missing: string[] = [];
  const short: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const v = verdicts[i];
    if (v === PRESENT) present++;
    else {
      missing.push(expected[i]);
      if (v === SHORT) short.push(expected[i]);
    }
  }
  return { present, missing, short };
}
