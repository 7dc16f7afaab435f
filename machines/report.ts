// Result shapes carried in event payloads: prerequisite checks and gate reports.
// Pure types; computing them is src/gates' job.

export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
  /** Set when the check's query itself failed: an error is never read as a pass or a number. */
  error?: string;
}

export interface TableCoverage {
  step: string;
  table: string;
  expected: number;
  present: number;
  /** present ∩ expected ÷ expected, 0..1. */
  coverage: number;
  missing: number;
  /** The first few missing partitions. */
  missingSample: string[];
  /** Partitions that have rows but fewer than the step's expect.minRows (not counted as present). */
  short: number;
  ok: boolean;
}

export interface NotNullResult {
  table: string;
  column: string;
  where?: string;
  rows: number;
  nulls: number;
  rate: number;
  maxRate: number;
  ok: boolean;
  error?: string;
}

export interface GateReport {
  gate: string;
  ok: boolean;
  minCoverage: number;
  tables: TableCoverage[];
  notNull: NotNullResult[];
  checks: CheckResult[];
  /** A query failed: the gate errs (and blocks), it never guesses a number. */
  error?: string;
}

export interface StepBaseline {
  step: string;
  expected: number;
  present: number;
  missing: number;
  /**
   * Partitions this run will compute (missing ones, or all with refill: all). In the logged event, runs of
   * consecutive days are written `first..last` (see partitions.ts); count and expand with its helpers.
   */
  toRun: string[];
  /** The step's ddl created its table during the baseline. */
  createdTable?: boolean;
}
