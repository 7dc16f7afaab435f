// The units projection's fold for PostgreSQL: which rows each unit event changes, as a list of operations the
// database applies in order (apply_unit_ops in schema.ts). It decides exactly what store/projection.ts's
// apply() decides, event by event; the statements behind each operation are that module's, in PL/pgSQL.

import { expandPartitions, type RunEvent } from '../../machines/index.js';
import type { UnitStatus } from '../types.js';

/** Applies a UnitOps (the run id, then params()) outside an append: rebuilds and imports. */
export const APPLY_UNIT_OPS_SQL = 'SELECT apply_unit_ops($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';

/** One operation on one unit (apply_unit_ops's columns; the JSON keys append_events reads). */
interface UnitOp {
  k: string;
  st: unknown;
  pa: unknown;
  stat: UnitStatus | null;
  att: unknown;
  rw: unknown;
  job: unknown;
  er: string | null;
  sq: number;
  /** JSON array text of the partitions a reopen is limited to; null for all of the step's. */
  parts: string | null;
}

/** The status an upsert leaves (set-based form): the kind's own, or a failure's pending/failed. */
const UPSERT_STATUS: Record<string, UnitStatus | undefined> = { started: 'started', succeeded: 'succeeded' };

/** The operations of a batch of events, in order. */
export class UnitOps {
  private readonly ops: UnitOp[] = [];

  get length(): number {
    return this.ops.length;
  }

  /** The SQL parameters, in apply_unit_ops's order after the run id (one array per column). */
  params(): unknown[] {
    const col = <K extends keyof UnitOp>(key: K) => this.ops.map((o) => o[key]);
    return [
      col('k'),
      col('st'),
      col('pa'),
      col('stat'),
      col('att'),
      col('rw'),
      col('job'),
      col('er'),
      col('sq'),
      col('parts'),
    ];
  }

  /**
   * The operations as append_events's JSON parameter, and whether they may be applied as one set-based upsert:
   * only started, succeeded and failed operations, each on a different unit (an upsert cannot change a row twice).
   */
  json(): { text: string | null; upsert: boolean } {
    if (this.ops.length === 0) return { text: null, upsert: false };
    const seen = new Set<string>();
    let upsert = true;
    for (const o of this.ops) {
      const key = `${o.st}\u0000${o.pa}`;
      if (o.k === 'pending' || o.k === 'reopen' || seen.has(key)) {
        upsert = false;
        break;
      }
      seen.add(key);
    }
    if (!upsert) return { text: JSON.stringify(this.ops), upsert };
    const rows = this.ops.map((o) => ({ ...o, stat: UPSERT_STATUS[o.k] ?? o.stat }));
    return { text: JSON.stringify(rows), upsert };
  }

  /** Folds one event, at its seq. */
  add(seq: number, event: RunEvent): void {
    switch (event.type) {
      case 'BASELINE_RECORDED':
        for (const s of event.steps) {
          for (const p of expandPartitions(s.toRun ?? [])) this.push('pending', seq, s.step, p);
        }
        return;
      case 'UNIT_STARTED':
        this.push(
          'started',
          seq,
          event.step,
          event.partition,
          null,
          event.attempt,
          null,
          event.jobRef ?? null,
        );
        return;
      case 'UNIT_SUCCEEDED':
        this.push('succeeded', seq, event.step, event.partition, null, event.attempt, event.rows ?? null);
        return;
      case 'UNIT_FAILED': {
        const status: UnitStatus = event.final ? 'failed' : 'pending';
        const error = event.error === undefined ? null : JSON.stringify(event.error);
        this.push('failed', seq, event.step, event.partition, status, event.attempt, null, null, error);
        return;
      }
      case 'RETRY_REQUESTED': {
        const partitions = Array.isArray(event.partitions) ? JSON.stringify(event.partitions) : null;
        for (const r of event.reopened ?? []) {
          if (event.step !== undefined && r.step !== event.step) continue;
          this.push('reopen', seq, r.step, null, null, null, null, null, null, partitions);
        }
        return;
      }
    }
  }

  private push(
    k: string,
    sq: number,
    st: unknown,
    pa: unknown,
    stat: UnitStatus | null = null,
    att: unknown = null,
    rw: unknown = null,
    job: unknown = null,
    er: string | null = null,
    parts: string | null = null,
  ): void {
    this.ops.push({ k, st, pa, stat, att, rw, job, er, sq, parts });
  }
}
