// The warehouse interfaces by role: reads (gates, baseline) and the unit backend (units). SQLite and BigQuery
// implement both; command steps only the unit backend.
// It owns no orchestration: the driver decides what runs when; a backend only executes and reports.

import type { CommandRecord, Dialect, StepSpec } from '../../machines/index.js';

/** Named SQL parameters: @partition, @start, @end, @run_id. */
export type SqlParams = Record<string, string | number | null>;

export type Row = Record<string, unknown>;

export interface UnitRef {
  runId: string;
  step: StepSpec;
  partition: string;
  attempt: number;
  /** The plan's range, passed to the step's SQL as @start/@end. */
  range: { start: string; end: string };
  /** BigQuery: the job's maximumBytesBilled (the budget guard's cap for this unit). */
  maxBytesBilled?: number;
}

/** A finished job's statistics (BigQuery), recorded in UNIT_SUCCEEDED. */
export interface JobStatistics {
  bytesProcessed?: number;
  bytesBilled?: number;
  slotMs?: number;
}

export interface MaterializeResult {
  rows: number;
  ms: number;
  jobRef?: string;
  /** Command steps: the process that ran (pid, exit code, log), recorded in UNIT_SUCCEEDED. */
  command?: CommandRecord;
  /** BigQuery: the job's bytes processed and billed and slot time. */
  stats?: JobStatistics;
}

export type ReconcileResult =
  /** The backend cannot tell: the driver re-runs the unit (writes are idempotent). */
  | { status: 'unknown' }
  /** The in-doubt attempt never reached the backend. */
  | { status: 'not-found' }
  /** It finished: record success without re-running. */
  | { status: 'succeeded'; rows: number }
  /** It finished with an error. */
  | { status: 'failed'; error: { code: string; message: string; retryable: boolean } };

export interface ReconcileOptions {
  /** Aborted on cancel: stop waiting (and cancel the job, where the backend can). */
  signal?: AbortSignal;
  /** Called once the attempt's job is found running or finished without error, before waiting on it. */
  attached?: () => Promise<void>;
  /** Told the finished job's statistics (BigQuery), for the UNIT_SUCCEEDED of an attached attempt. */
  stats?: (s: JobStatistics) => void;
}

/**
 * Reads, for prerequisites, the baseline and gates: always the plan's own warehouse, whichever backend runs a
 * step's units. `execute` is the one write here: the baseline creates a step's missing table from its ddl.
 */
export interface WarehouseReads {
  readonly kind: Dialect;
  /** Run a query and return its rows (gates, checks, calendars). A failing query throws a UnitError('QUERY'). */
  query(sql: string, params?: SqlParams): Promise<Row[]>;
  /** The partitions listed by `sql` (column `partition`), sorted, as YYYY-MM-DD. */
  listPartitions(sql: string, params: SqlParams): Promise<string[]>;
  tableExists(table: string): Promise<boolean>;
  /** Run DDL (creating a step's table). */
  execute(sql: string): Promise<void>;
  /** Partitions of `table` between start and end with their row counts. */
  partitionCounts(
    table: string,
    column: string,
    range: { start: string; end: string },
  ): Promise<Map<string, number>>;
}

/** A unit backend, for units: it runs one step's partitions and finds out what became of an attempt. */
export interface UnitBackend {
  /** A job reference known before submission (BigQuery's deterministic job id), logged in UNIT_STARTED. */
  jobRefFor(unit: UnitRef): string | undefined;
  /** Replace one partition of the step's table (or run its command), atomically and idempotently. */
  materialize(unit: UnitRef, signal?: AbortSignal): Promise<MaterializeResult>;
  /**
   * Find out what became of an attempt whose job may exist (started with no logged result, or failed with its
   * job's fate unknown). `not-found` only when the backend says the job does not exist; a transient failure
   * to tell throws (retryable), so no new attempt starts beside a job that may be running.
   */
  reconcile(unit: UnitRef, jobRef?: string, opts?: ReconcileOptions): Promise<ReconcileResult>;
  close(): Promise<void>;
}

/** A warehouse proper (sqlite, bigquery): the plan's reads, and the unit backend of its SQL steps. */
export interface Warehouse extends WarehouseReads, UnitBackend {}

/**
 * A plan's backends by role (see route.ts): gates and the baseline get the reads, each step's units get the
 * unit backend of that step. Closing it closes every backend it was given.
 */
export interface PlanWarehouse {
  readonly reads: WarehouseReads;
  /** The backend that runs `step`'s units: the command runner for command steps, the warehouse otherwise. */
  backendFor(step: StepSpec): UnitBackend;
  close(): Promise<void>;
}
