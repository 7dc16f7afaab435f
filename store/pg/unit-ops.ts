// The units projection's fold for PostgreSQL: which rows each unit event changes, as a list of operations the
// database applies in order (apply_unit_ops in schema.ts). It decides exactly what store/projection.ts's
// apply() decides, event by event; the statements behind each operation are that module's, in PL/pgSQL.

import { expandPartitions } from '../../machines/index.js';
import type { UnitStatus } from '../types.js';

interface BaselineStep {
  step: string;
  toRun?: string[];
}

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

  /** Folds one event (as appended: `data` is the object, not its text). */
  add(seq: number, type: string, data: Record<string, unknown>): void {
    switch (type) {
      case 'BASELINE_RECORDED':
        for (const s of (data.steps as BaselineStep[] | undefined) ?? []) {
          for (const p of expandPartitions(s.toRun ?? [])) this.push('pending', seq, s.step, p);
        }
        return;
      case 'UNIT_STARTED':
        this.push('started', seq, data.step, data.partition, null, data.attempt, null, data.jobRef ?? null);
        return;
      case 'UNIT_SUCCEEDED':
        this.push('succeeded', seq, data.step, data.partition, null, data.attempt, data.rows ?? null);
        return;
      case 'UNIT_FAILED': {
        const status: UnitStatus = data.final ? 'failed' : 'pending';
        const error = data.error === undefined ? null : JSON.stringify(data.error);
        this.push('failed', seq, data.step, data.partition, status, data.attempt, null, null, error);
        return;
      }
      case 'RETRY_REQUESTED':
        this.reopen(seq, data);
        return;
    }
  }

  private reopen(seq: number, data: Record<string, unknown>): void {
    const only = typeof data.step === 'string' ? data.step : undefined;
    const partitions = Array.isArray(data.partitions) ? JSON.stringify(data.partitions) : null;
    for (const r of (data.reopened as { step: string }[] | undefined) ?? []) {
      if (only !== undefined && r.step !== only) continue;
      this.push('reopen', seq, r.step, null, null, null, null, null, null, partitions);
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
