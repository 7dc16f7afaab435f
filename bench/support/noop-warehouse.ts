// A warehouse that does no work: the benchmarks drive the real plan → machine → driver → store stack
// through it, so what they measure is phased's own overhead. Not a backend anyone should run.

import type { Dialect } from '../../machines/index.js';
import type {
  MaterializeResult,
  ReconcileResult,
  Row,
  SqlParams,
  UnitRef,
  Warehouse,
} from '../../src/warehouse/index.js';

export interface NoopOptions {
  /** The calendar listPartitions returns. */
  partitions: string[];
  /** Simulated time inside materialize (ms); 0 resolves at once. */
  delayMs?: number;
  /** Called on the first materialize (resume timing). */
  onFirstUnit?: () => void;
  /** Report every calendar partition as present (a resumed log whose earlier units ran elsewhere). */
  completeAll?: boolean;
}

export class NoopWarehouse implements Warehouse {
  readonly kind: Dialect = 'sqlite';
  /** Partitions materialized per table, so gates see full coverage. */
  private readonly done = new Map<string, Map<string, number>>();
  private first = true;
  materialized = 0;

  constructor(private readonly opts: NoopOptions) {}

  async query(_sql: string, _params?: SqlParams): Promise<Row[]> {
    return [{ ok: 1, row_count: 1, null_count: 0 }];
  }

  async listPartitions(_sql: string, _params: SqlParams): Promise<string[]> {
    return this.opts.partitions;
  }

  async tableExists(_table: string): Promise<boolean> {
    return true;
  }

  async execute(_sql: string): Promise<void> {}

  async partitionCounts(table: string): Promise<Map<string, number>> {
    if (this.opts.completeAll) {
      const all = new Map<string, number>();
      for (const p of this.opts.partitions) all.set(p, 1);
      return all;
    }
    return new Map(this.done.get(table) ?? []);
  }

  jobRefFor(_unit: UnitRef): string | undefined {
    return undefined;
  }

  async materialize(unit: UnitRef): Promise<MaterializeResult> {
    if (this.first) {
      this.first = false;
      this.opts.onFirstUnit?.();
    }
    const delay = this.opts.delayMs ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    let t = this.done.get(unit.step.table);
    if (!t) {
      t = new Map();
      this.done.set(unit.step.table, t);
    }
    t.set(unit.partition, 1);
    this.materialized++;
    return { rows: 1, ms: delay };
  }

  async reconcile(_unit: UnitRef, _jobRef?: string): Promise<ReconcileResult> {
    return { status: 'unknown' };
  }

  async close(): Promise<void> {}
}
