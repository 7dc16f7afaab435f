// The local BigQuery server's test-facing API: recorded jobs, scripted failures, registered tables, and the
// fault-injection knobs tests drive. bq-server.ts implements it.

import type { FailureKind } from './bq-server-shapes.js';
import type { Cell, QueryParams } from './bq-tables.js';

export interface TableRef {
  projectId: string;
  datasetId: string;
  tableId: string;
}

/** One jobs.insert request as the server received it. */
export interface RecordedJob {
  jobId: string;
  projectId: string;
  location?: string;
  query: string;
  destination?: TableRef;
  writeDisposition?: string;
  labels: Record<string, string>;
  parameters: Record<string, { type: string; value: string | null }>;
  dryRun: boolean;
  maximumBytesBilled?: string;
}

export interface ScriptedFailure {
  /** insert = jobs.insert, get = jobs.get, query = jobs.query, results = getQueryResults, table = tables.get. */
  on: 'insert' | 'get' | 'query' | 'results' | 'table';
  /** Only for this job id (insert/get/results); any when unset. */
  jobId?: string;
  /** Only for query text matching this (insert/query). */
  match?: RegExp;
  kind: FailureKind;
  /** How many matching calls fail (default 1). */
  times?: number;
}

export interface BqServer {
  /** Pass as apiEndpoint (or BIGQUERY_EMULATOR_HOST). */
  readonly url: string;
  /** Every jobs.insert request, in order, including duplicates and failed ones. */
  readonly inserts: RecordedJob[];
  /** Jobs the server accepted, by id. */
  readonly jobs: Map<string, RecordedJob>;
  /** Every jobs.query request (text and parameters). */
  readonly queries: { query: string; parameters: QueryParams }[];
  /** Materialize jobs refused for not writing one partition (destination not table$YYYYMMDD, not WRITE_TRUNCATE). */
  readonly violations: string[];
  readonly authorization: Set<string>;
  /**
   * Bytes every successful dry run reports, when set; by default a dry run reports what the query would
   * process by BigQuery's rules (BqTables.bytesRead: the referenced columns of the tables it reads).
   */
  dryRunBytes: number | undefined;
  /** Every successful dry run: its text, parameters and the bytes reported. */
  readonly dryRuns: { query: string; parameters: QueryParams; bytes: number }[];
  /** A job's billing statistics (bytes processed and billed, slot ms), as jobs.get reports them once DONE. */
  stats(jobId: string): { processed: number; billed: number; slotMs: number } | undefined;
  fail(f: ScriptedFailure): void;
  /** New jobs (or one id) answer RUNNING to this many jobs.get polls before DONE. */
  keepRunning(polls: number, jobId?: string): void;
  /** The job is accepted, then finishes with this error. */
  failJob(jobId: string, kind: FailureKind): void;
  /**
   * A table queries can read and jobs can write: `dataset.table` (any project) or `project.dataset.table`,
   * its columns with BigQuery types, its rows, and for a column-partitioned table its DATE partition column.
   */
  createTable(
    table: string,
    columns: Record<string, string>,
    rows?: Record<string, Cell>[],
    opts?: { partitionBy?: string },
  ): void;
  /** Make tables.get find `dataset.table` (a name only: queries reading it are refused; use createTable). */
  addTable(table: string): void;
  /** The rows a table holds now. */
  rows(table: string): Record<string, unknown>[];
  /** Partitions written by finished WRITE_TRUNCATE jobs, by `project.dataset.table`. */
  readonly written: Map<string, Set<string>>;
  /** Every partition write of a finished job, in order (a partition written twice appears twice). */
  readonly writes: { jobId: string; table: string; partition: string; rows: number }[];
  /** New materialize jobs (with a destination) stay RUNNING until release(); DDL and checks still finish. */
  hold(): void;
  /** Let held jobs finish on their next poll, and stop holding new ones. */
  release(): void;
  /** Inserts of matching job ids are never answered nor accepted (lost in flight); undefined stops stalling. */
  stall(match?: RegExp): void;
  /** Insert requests stalled by stall(): received, never accepted (not in inserts or jobs). */
  readonly stalled: RecordedJob[];
  close(): Promise<void>;
}
