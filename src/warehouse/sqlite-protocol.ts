// The message protocol between SqliteWarehouse (main thread) and its worker threads.
// Types only: the pool lives in sqlite-pool.ts, the SQL in sqlite-worker.ts.

import type { SqlParams } from './types.js';

/** Opened once per worker (workerData). */
export interface WorkerInit {
  path: string;
  /** Create the file when it does not exist (tests, demo setup); runs require it to exist. */
  create: boolean;
  /** How long a writer waits for the lock before SQLITE_BUSY (default 10 s). */
  busyTimeoutMs: number;
}

/** One partition replace: everything the worker needs, already resolved by the main thread. */
export interface MaterializeJob {
  /** `step <id> partition <date>`: prefixes every error message. */
  label: string;
  table: string;
  partitionColumn: string;
  partition: string;
  sql: string;
  params: SqlParams;
  /** SQL returning `min_rows` for the partition. */
  minRowsSql?: string;
}

export interface WorkerOps {
  query: { args: { sql: string; params: SqlParams }; result: Record<string, unknown>[] };
  exec: { args: { sql: string }; result: null };
  materialize: { args: MaterializeJob; result: { rows: number; ms: number } };
  /** The same replace for many partitions, written in one transaction (bulk fills such as the demo's). */
  materializeMany: {
    args: { label: string; jobs: MaterializeJob[] };
    result: { rows: number[]; ms: number };
  };
  close: { args: Record<string, never>; result: null };
}

export type WorkerOp = keyof WorkerOps;

export interface WorkerRequest<K extends WorkerOp = WorkerOp> {
  id: number;
  op: K;
  args: WorkerOps[K]['args'];
}

export interface WorkerErrorInfo {
  code: 'QUERY' | 'BACKEND' | 'EXPECTATION';
  message: string;
  retryable: boolean;
}

export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WorkerErrorInfo }
  /** Sent once the connection is open; a worker that dies before it never served a request. */
  | { id: 0; ready: true };
