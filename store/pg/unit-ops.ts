// The units projection's fold for PostgreSQL: which rows each unit event changes, as a list of operations the
// database applies in order (apply_unit_ops in schema.ts). It decides exactly what store/projection.ts's
// apply() decides, event by event; the statements behind each operation are that module's, in PL/pgSQL.

import { expandPartitions, type RunEvent } from '../../machines/index.js';
import type { UnitStatus } from '../types.js';

/** Applies a UnitOps (the run id, then params()) outside an append: rebuilds and imports. */
export const APPLY_UNIT_OPS_SQL = 'SELECT apply_unit_ops($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';

/** Column arrays, one entry per operation (the shape apply_unit_ops takes). */
export class UnitOps {
  readonly kind: string[] = [];
  readonly step: unknown[] = [];
  readonly partition: unknown[] = [];
  readonly status: (UnitStatus | null)[] = [];
  readonly attempts: unknown[] = [];
  readonly rows: unknown[] = [];
  readonly jobRef: unknown[] = [];
  readonly error: (string | null)[] = [];
  readonly seq: number[] = [];
  /** JSON array text of the partitions a reopen is limited to; null for all of the step's. */
  readonly partitions: (string | null)[] = [];

  get length(): number {
    return this.kind.length;
  }

  /** The SQL parameters, in apply_unit_ops's order after the run id. */
  params(): unknown[] {
    return [
      this.kind,
      this.step,
      this.partition,
      this.status,
      this.attempts,
      this.rows,
      this.jobRef,
      this.error,
      this.seq,
      this.partitions,
    ];
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
    kind: string,
    seq: number,
    step: unknown,
    partition: unknown,
    status: UnitStatus | null = null,
    attempts: unknown = null,
    rows: unknown = null,
    jobRef: unknown = null,
    error: string | null = null,
    partitions: string | null = null,
  ): void {
    this.kind.push(kind);
    this.seq.push(seq);
    this.step.push(step);
    this.partition.push(partition);
    this.status.push(status);
    this.attempts.push(attempts);
    this.rows.push(rows);
    this.jobRef.push(jobRef);
    this.error.push(error);
    this.partitions.push(partitions);
  }
}
