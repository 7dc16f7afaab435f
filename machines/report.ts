// Result shapes carried in event payloads: prerequisite checks and gate reports.
// Pure types (and one type guard); computing them is src/gates' job.

export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
  /** Set when the check's query itself failed: an error is never read as a pass or a number. */
  error?: string;
}

/** A table whose coverage was measured. */
export interface MeasuredCoverage {
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
  error?: undefined;
}

/** A table whose coverage query failed: the error, and no number at all (an error is never read as 0 %). */
export interface CoverageError {
  step: string;
  table: string;
  /** Partitions the gate expected (absent when the expectation itself could not be computed). */
  expected?: number;
  ok: false;
  error: string;
}

export type TableCoverage = MeasuredCoverage | CoverageError;

/** Whether a table's coverage was measured (logs written before errors carried no numbers may hold both). */
export function isMeasured(t: TableCoverage): t is MeasuredCoverage {
  return !t.error && typeof (t as { coverage?: unknown }).coverage === 'number';
}

interface NotNullBase {
  table: string;
  column: string;
  where?: string;
  maxRate: number;
}

/** A notNull check: its measured NULL rate, or the query's error and no rate. */
export type NotNullResult =
  | (NotNullBase & { rows: number; nulls: number; rate: number; ok: boolean; error?: undefined })
  | (NotNullBase & { ok: false; error: string });

export interface GateReport {
  gate: string;
  ok: boolean;
  minCoverage: number;
  tables: TableCoverage[];
  notNull: NotNullResult[];
  checks: CheckResult[];
  /**
   * Partitions of the calendar the gate's `exclude` query left out of `expected` (runs of consecutive days as
   * `first..last`, as BASELINE_RECORDED logs them); absent when nothing was excluded.
   */
  excluded?: string[];
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
