// The console's HTTP contract for cost, quotas and pace (issue figures shown beside `phased status --json` and
// `phased run --dry-run`): the adaptive concurrency and ETA per step, the budget, and the estimate route's body.
// Pure types, re-exported by api-types.ts; additive only.

import type { Estimate } from '../cost/estimate.js';

/** Units left and the time they need at the recent pace (EWMA of completion spacing, as `status --json`). */
export interface PaceEta {
  remaining: number;
  /** Seconds until the remaining units are done; null until two units finished (0 when none remain). */
  seconds: number | null;
}

/** The figures of a budget decision, as the PAUSED {reason: budget} event records them. */
export interface BudgetPauseFigures {
  maxBytesBilled: number;
  bytesBilled: number;
  runningEstimate: number;
  next: { step: string; partition: string; estimatedBytes: number };
}

/** The run's budget in bytes billed (BigQuery on demand) and what counts against it. */
export interface BudgetView {
  /** The budget (plan `budget.maxBytesBilled` or the latest BUDGET_CHANGED); null: no budget. */
  maxBytesBilled: number | null;
  /** Bytes billed, processed and slot ms of the jobs finished so far (`status --json` usage). */
  bytesBilled: number;
  bytesProcessed: number;
  slotMs: number;
  /** Sum of the estimates (UNIT_STARTED estimatedBytes) of the units in flight. */
  runningEstimate: number;
  /** maxBytesBilled − billed − running estimates; null without a budget. */
  remaining: number | null;
  /** While the run is paused by its budget: the PAUSED event's figures, its message and the command to raise it. */
  pause: { seq: number; figures: BudgetPauseFigures; message: string; command: string } | null;
}

/**
 * `GET /api/runs/:id/estimate`: the cost estimate of the run's units (its logged baseline's partitions to run),
 * computed by the same code as `phased run --dry-run` against the plan's warehouse as it stands now: BigQuery
 * dry runs (bytes, cost at the plan's price per TiB, sampled past the sample size); on SQLite, rows and
 * seconds measured. `error` says why there is none (no baseline yet, warehouse unreachable from the server).
 */
export interface EstimateResponse {
  runId: string;
  warehouse: string;
  /** bytes: BigQuery (bytes and money); measured: SQLite rows and seconds, not billed. */
  kind: 'bytes' | 'measured';
  /** `phased run --dry-run --json`'s `estimate`, step by step. */
  estimate: Estimate | null;
  error: string | null;
  /** When it was computed (the server keeps one per run). */
  at: string;
  /**
   * What the log records, whatever the warehouse: per step, the units started with a budget and the sum of their
   * estimated bytes billed (each unit's latest UNIT_STARTED estimatedBytes, the budget guard's dry run). Read on
   * every request; empty without a budget.
   */
  recorded: { step: string; units: number; estimatedBytes: number }[];
}
