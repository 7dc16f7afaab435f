// The event store every backend offers (SQLite today, PostgreSQL for teams): asynchronous, so a networked
// database fits behind it. Callers outside store/ hold this interface, never a backend's class.

import { PhasedError } from '../machines/index.js';
import type {
  ChainReport,
  FailureGroup,
  NewEvent,
  NewRun,
  PlanEventRow,
  RunRow,
  SnapshotRecord,
  StoredEvent,
  UnitFilter,
  UnitRow,
  UnitStatus,
} from './types.js';
import type { RunSummaryRow, UnitPageFilter } from './views.js';

/**
 * Who may append as a run's driver. `epoch` is a fencing token: it grows each time the lease changes hands, and an
 * append carrying an older epoch fails with LEASE_LOST however long its process was frozen.
 */
export interface LeaseToken {
  owner: string;
  epoch: number;
}

export type LeaseGrant =
  | {
      ok: true;
      token: LeaseToken /** The owner the lease was taken from, when it was not free. */;
      from?: string;
    }
  | { ok: false; owner: string; expiresAt: string };

/** Decides whether a lease held by `currentOwner` (expiring at `expiresAt`) may be taken before it expires. */
export type CanStealLease = (currentOwner: string, expiresAt: string) => boolean;

/** Called for each event whose hash checks out, in seq order; a returned string fails the walk at that seq. */
export type VisitStoredEvent = (seq: number, type: string, data: string, state: string) => string | undefined;

export interface ChainWalkOptions {
  fromSeq?: number;
  /** Check more per event in the same pass (replay --verify folds the events through the machine). */
  visit?: VisitStoredEvent;
}

export interface EventReadOptions {
  fromSeq?: number;
  toSeq?: number;
}

/** Cheap reads for the console and the daemon's scheduler (no plan_json, paged units). */
export interface StoreViews {
  runSummaries(): Promise<RunSummaryRow[]>;
  runSummary(runId: string): Promise<RunSummaryRow | undefined>;
  headSeqs(): Promise<{ runId: string; headSeq: number }[]>;
  planJson(runId: string): Promise<string | undefined>;
  unitsPage(runId: string, f: UnitPageFilter): Promise<{ total: number; units: UnitRow[] }>;
  openUnits(runId: string): Promise<UnitRow[]>;
  lastEventsBefore(runId: string, toSeq: number, limit: number): Promise<StoredEvent[]>;
  eventsOfTypes(
    runId: string,
    types: readonly string[],
    afterSeq?: number,
    toSeq?: number,
  ): Promise<StoredEvent[]>;
}

export interface SnapshotSaveOptions {
  /** Runs inside the snapshot's write, before it commits (crash tests kill the process there). */
  beforeCommit?: () => void;
}

/**
 * Events between snapshots, for every backend. A resume folds the events after the latest snapshot through the
 * statechart cold (about 0.2 ms each at start-up, before the JIT warms): at 64 that is ~10 ms at most; at 250 a
 * CLI resume spent up to 60 ms there. A snapshot is one small row, written every 64 events (one extra commit
 * per 32 units one at a time).
 */
export const DEFAULT_SNAPSHOT_EVERY = 64;

/** The snapshot interval a store is opened with: the option, else the default; a bad one is refused. */
export function snapshotInterval(option: number | undefined): number {
  const every = option ?? DEFAULT_SNAPSHOT_EVERY;
  if (!Number.isInteger(every) || every < 1) {
    throw new PhasedError('BAD_ARGUMENT', `snapshotEvery must be a positive integer, got ${every}`);
  }
  return every;
}

export interface EventStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Where the store lives, safe to print: a file path, or host/port/database without credentials. */
  readonly location: string;
  /** How often (in events) callers should save a snapshot. */
  readonly snapshotEvery: number;
  /**
   * How many of one run's appends a caller may keep in flight. Appends to a run are applied in the order they were
   * called, so the next may expect the head the one before it will leave; where this is above 1, it fails with
   * CONFLICT when that one does not land. 1 where an append gains nothing from company (SQLite's is done before it
   * returns): each append is judged alone against the head, and callers keep one in flight.
   */
  readonly pipelineDepth: number;
  readonly readonly: boolean;
  readonly views: StoreViews;

  createRun(r: NewRun): Promise<void>;
  getRun(runId: string): Promise<RunRow | undefined>;
  /** RUN_NOT_FOUND naming the run and where to look when it is not there. */
  requireRun(runId: string): Promise<RunRow>;
  /** Every run, newest first. */
  listRuns(): Promise<RunRow[]>;
  head(runId: string): Promise<{ seq: number; hash: string }>;

  /**
   * Appends all `events` after `expectedSeq`, or none. Fails with CONFLICT when the log's head is not
   * `expectedSeq` (another writer appended: fold its events and decide again), and with LEASE_LOST when `lease`
   * is given and no longer holds the run. The units projection moves in the same transaction.
   */
  append(runId: string, expectedSeq: number, events: NewEvent[], lease?: LeaseToken): Promise<StoredEvent[]>;
  /** Replace the run's frozen plan and append `events` (PLAN_CHANGE_ACCEPTED) in one transaction, as append does. */
  replacePlan(
    runId: string,
    planJson: string,
    planHash: string,
    expectedSeq: number,
    events: NewEvent[],
    lease?: LeaseToken,
  ): Promise<StoredEvent[]>;

  /** Events in seq order, read in pages (never the whole log at once). */
  events(runId: string, opts?: EventReadOptions): AsyncIterable<StoredEvent>;
  /** At most `limit` events from `fromSeq` on, in seq order. */
  readEvents(runId: string, fromSeq: number, limit: number): Promise<StoredEvent[]>;
  eventCount(runId: string): Promise<number>;

  saveSnapshot(runId: string, seq: number, snapshot: unknown, opts?: SnapshotSaveOptions): Promise<void>;
  /** Throws LOG_TAMPERED when the snapshot or the log under it was altered. */
  latestSnapshot(runId: string, atOrBeforeSeq?: number): Promise<SnapshotRecord | undefined>;

  units(runId: string, filter?: UnitFilter): Promise<UnitRow[]>;
  /** Pending units whose last attempt failed, in step and partition order, at most `limit`. */
  retryingUnits(runId: string, limit: number): Promise<UnitRow[]>;
  /** Units that failed for good, grouped by error code, at most `limitPerCode` listed per code. */
  failedUnits(runId: string, limitPerCode: number): Promise<FailureGroup[]>;
  unitCounts(runId: string): Promise<Record<string, Record<UnitStatus, number>>>;
  rebuildProjection(runId: string): Promise<void>;

  verifyChain(runId: string, opts?: ChainWalkOptions): Promise<ChainReport>;
  /** The latest event that fixed the run's plan (RUN_CREATED or PLAN_CHANGE_ACCEPTED), with its own hash checked. */
  planEvent(runId: string): Promise<PlanEventRow | undefined>;

  /** Take the run's lease: free, expired, or `canSteal` says its holder is gone. Taking it moves the epoch on. */
  acquireLease(
    runId: string,
    owner: string,
    ttlMs: number,
    opts?: { canSteal?: CanStealLease },
  ): Promise<LeaseGrant>;
  /** Extends the lease; false when the token no longer holds it (taken over, or the run is gone). */
  renewLease(runId: string, lease: LeaseToken, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if the token still holds it; a no-op otherwise. */
  releaseLease(runId: string, lease: LeaseToken): Promise<void>;

  /**
   * A value that changes when another process may have written (SQLite's data_version; a notification counter or
   * the log's global head on a server). Cheap: drivers and the console poll it.
   */
  changeMark(): Promise<string>;

  close(): Promise<void>;
}
