// Row and argument shapes of the event store's public API.
// Pure types: the SQL that reads and writes them lives in the operation modules beside this one.

import type { RunEvent } from '../machines/index.js';
import type { CheckpointPolicy } from './checkpointer.js';

export type RunStatus = 'created' | 'running' | 'paused' | 'blocked' | 'failed' | 'succeeded' | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = [
  'created',
  'running',
  'paused',
  'blocked',
  'failed',
  'succeeded',
  'cancelled',
];

export type UnitStatus = 'pending' | 'started' | 'succeeded' | 'failed';

export const UNIT_STATUSES: readonly UnitStatus[] = ['pending', 'started', 'succeeded', 'failed'];

/** One row of the log, as stored: `data` and `state` are JSON text. */
export interface StoredEvent {
  runId: string;
  seq: number;
  at: string;
  type: string;
  /** JSON text as stored. */
  data: string;
  /** JSON text: the state value after this event. */
  state: string;
  prevHash: string;
  hash: string;
}

/** An event a caller wants appended: the typed event itself; the store serialises it and assigns seq and hashes. */
export interface NewEvent {
  event: RunEvent;
  /** ISO timestamp. */
  at: string;
  /** The state value after this event; JSON-stringified by the store. */
  state: unknown;
  /** The run's status after this event. */
  status: RunStatus;
}

export interface NewRun {
  runId: string;
  planName: string;
  planHash: string;
  planJson: string;
  machineVersion: string;
  createdAt: string;
}

export interface RunRow extends NewRun {
  status: RunStatus;
  stateJson: string | null;
  owner: string | null;
  leaseExpiresAt: string | null;
  headSeq: number;
  updatedAt: string | null;
}

export interface UnitRow {
  runId: string;
  step: string;
  partition: string;
  status: UnitStatus;
  attempts: number;
  rows: number | null;
  jobRef: string | null;
  /** JSON {code, message, retryable} of the latest failure. */
  error: string | null;
  lastSeq: number;
}

/** Units that failed for good, grouped by their error's code: the first few of each group, and its count. */
export interface FailureGroup {
  code: string;
  count: number;
  units: { step: string; partition: string; attempts: number; message: string }[];
}

export interface UnitFilter {
  step?: string;
  status?: UnitStatus[];
}

/** The latest event that fixed the run's plan (RUN_CREATED or PLAN_CHANGE_ACCEPTED), as stored. */
export interface PlanEventRow {
  seq: number;
  type: 'RUN_CREATED' | 'PLAN_CHANGE_ACCEPTED';
  data: string;
  /** The row's own hash checks out (its data and type are as appended). */
  hashOk: boolean;
}

export interface ChainReport {
  ok: boolean;
  count: number;
  firstBadSeq?: number;
  reason?: string;
}

export interface SnapshotRecord {
  seq: number;
  snapshot: unknown;
  hash: string;
}

export type LeaseResult = { ok: true } | { ok: false; owner: string; expiresAt: string };

export interface StoreOptions {
  synchronous?: 'NORMAL' | 'FULL';
  readonly?: boolean;
  /** How often (in events) callers should save a snapshot; default DEFAULT_SNAPSHOT_EVERY (store/api.ts). */
  snapshotEvery?: number;
  /**
   * When a worker thread checkpoints the WAL (store/checkpointer.ts); default DEFAULT_CHECKPOINT_POLICY. false: the
   * writing connection checkpoints for itself, inside its commits, as SQLite does by default.
   */
  checkpoint?: CheckpointPolicy | false;
}
