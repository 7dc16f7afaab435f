// The embedded SQLite warehouse: every statement runs in a worker thread, so the main thread stays free.
// It owns the partition replace; scheduling and retries belong to the driver.

import { PhasedError, UnitError } from '../../machines/index.js';
import { nextDay, normalizePartition } from './partitions.js';
import { quoteSqliteIdent, unitParams } from './sql-params.js';
import { WorkerPool } from './sqlite-pool.js';
import type { MaterializeJob } from './sqlite-protocol.js';
import type { MaterializeResult, ReconcileResult, Row, SqlParams, UnitRef, Warehouse } from './types.js';

export interface SqliteWarehouseOptions {
  /** Worker threads (one connection each); default 3. */
  poolSize?: number;
  /** Create the database file if it does not exist (tests, demo setup). */
  create?: boolean;
  /** How long a write waits for the lock before failing retryably with BACKEND; default 10 000 ms. */
  busyTimeoutMs?: number;
}

export const DEFAULT_POOL_SIZE = 3;
export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

export class SqliteWarehouse implements Warehouse {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  readonly poolSize: number;
  private readonly pool: WorkerPool;

  constructor(path: string, opts: SqliteWarehouseOptions = {}) {
    this.path = path;
    this.poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
    this.pool = new WorkerPool(
      { path, create: opts.create ?? false, busyTimeoutMs: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS },
      this.poolSize,
    );
  }

  query(sql: string, params: SqlParams = {}): Promise<Row[]> {
    return this.pool.run('query', { sql, params });
  }

  async listPartitions(sql: string, params: SqlParams): Promise<string[]> {
    const rows = await this.query(sql, params);
    if (rows.length > 0 && !('partition' in rows[0])) {
      throw new UnitError(
        'QUERY',
        `partition query returned columns ${Object.keys(rows[0]).join(', ')}; name the date column \`partition\``,
        false,
      );
    }
    const dates = new Set(rows.map((r) => normalizePartition(r.partition, 'partition query')));
    return [...dates].sort();
  }

  async tableExists(table: string): Promise<boolean> {
    const rows = await this.query(
      "SELECT 1 AS found FROM sqlite_master WHERE type IN ('table', 'view') AND name = @table",
      { table },
    );
    return rows.length > 0;
  }

  async execute(sql: string): Promise<void> {
    await this.pool.run('exec', { sql });
  }

  async partitionCounts(
    table: string,
    column: string,
    range: { start: string; end: string },
  ): Promise<Map<string, number>> {
    // Half-open upper bound: date-time values on the last day count too.
    const rows = await this.query(
      `SELECT ${quoteSqliteIdent(column)} AS partition, COUNT(*) AS n FROM ${quoteSqliteIdent(table)}
       WHERE ${quoteSqliteIdent(column)} >= @start AND ${quoteSqliteIdent(column)} < @until GROUP BY ${quoteSqliteIdent(column)}`,
      { start: range.start, until: nextDay(range.end) },
    );
    const counts = new Map<string, number>();
    for (const r of rows) {
      const date = normalizePartition(r.partition, `${table}.${column}`);
      counts.set(date, (counts.get(date) ?? 0) + Number(r.n));
    }
    return counts;
  }

  jobRefFor(_unit: UnitRef): string | undefined {
    return undefined;
  }

  async materialize(unit: UnitRef, signal?: AbortSignal): Promise<MaterializeResult> {
    const result = await this.pool.run('materialize', jobOf(unit), signal);
    return { rows: result.rows, ms: result.ms };
  }

  /**
   * The same partition replace for many units, written in one transaction: all of them or none. For bulk fills
   * outside a run (the demo's baseline), where one commit per partition would dominate; a run replaces one
   * partition per unit.
   */
  async materializeMany(units: UnitRef[], signal?: AbortSignal): Promise<MaterializeResult[]> {
    if (units.length === 0) return [];
    const jobs = units.map(jobOf);
    const label = `${jobs[0].label} and ${units.length - 1} more`;
    const result = await this.pool.run('materializeMany', { label, jobs }, signal);
    return result.rows.map((rows) => ({ rows, ms: result.ms }));
  }

  /** SQLite cannot tell what became of an in-doubt attempt; re-running it is idempotent. */
  async reconcile(_unit: UnitRef, _jobRef?: string): Promise<ReconcileResult> {
    return { status: 'unknown' };
  }

  /** Workers running a request right now (diagnostics and tests). */
  busyWorkers(): ReturnType<WorkerPool['busyWorkers']> {
    return this.pool.busyWorkers();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** What the worker needs to replace one unit's partition. */
function jobOf(unit: UnitRef): MaterializeJob {
  const { step, partition } = unit;
  if (step.kind !== 'sql' || !step.sql) {
    throw new UnitError(
      'INTERNAL',
      `step ${step.id} is a ${step.kind} step without SQL; route it to its backend`,
      false,
    );
  }
  return {
    label: `step ${step.id} partition ${partition}`,
    table: step.table,
    partitionColumn: step.partitionColumn,
    partition,
    sql: step.sql,
    params: unitParams(unit),
    minRowsSql: step.expect?.minRows,
  };
}

/** Thrown when a run names a warehouse file that is not there. */
export function missingWarehouseFile(path: string): PhasedError {
  return new PhasedError(
    'BAD_ARGUMENT',
    `warehouse file ${path} does not exist; fix warehouse.path in the plan, or create the database there (\`phased init\` writes a starter plan with a sample one; \`phased demo --init-only\`, the demo's)`,
  );
}
