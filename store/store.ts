// SqliteStore: the one object callers hold; each method delegates to the module owning that operation.
// Knows nothing of xstate: callers pass the state value and run status they computed.

import type Database from 'better-sqlite3';
import { PhasedError } from '../machines/index.js';
import type { LeaseGrant, LeaseToken } from './api.js';
import { Appender } from './append.js';
import type { WalCheckpointer } from './checkpointer.js';
import { Leases } from './lease.js';
import { UnitsProjection } from './projection.js';
import { Reader } from './read.js';
import { Runs } from './runs.js';
import { Snapshots } from './snapshots.js';
import { storageError } from './sqlite-errors.js';
import type {
  ChainReport,
  FailureGroup,
  LeaseResult,
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
import { ChainVerifier, type VerifyOptions } from './verify.js';
import { ConsoleReads } from './views.js';

export class SqliteStore {
  readonly file: string;
  readonly snapshotEvery: number;
  readonly readonly: boolean;
  private readonly db: Database.Database;
  private readonly runsOps: Runs;
  private readonly reader: Reader;
  private readonly projection: UnitsProjection;
  private readonly appender: Appender;
  private readonly snapshots: Snapshots;
  private readonly verifier: ChainVerifier;
  private readonly leases: Leases;
  private readonly dataVersionStmt: Database.Statement;
  /** Cheap reads for the console and the scheduler (no plan_json, paged units). */
  readonly views: ConsoleReads;

  /** Use openStore(); this takes an already opened and migrated connection. */
  constructor(
    db: Database.Database,
    file: string,
    snapshotEvery: number,
    /** Checkpoints the WAL off this thread (writable files only). */
    readonly checkpointer?: WalCheckpointer,
  ) {
    this.db = db;
    this.file = file;
    this.snapshotEvery = snapshotEvery;
    this.readonly = db.readonly;
    this.runsOps = new Runs(db, file);
    this.reader = new Reader(db);
    this.projection = new UnitsProjection(db);
    this.appender = new Appender(db, this.runsOps, [this.projection]);
    this.snapshots = new Snapshots(db, file);
    this.verifier = new ChainVerifier(db, this.runsOps);
    this.leases = new Leases(db, this.runsOps);
    this.dataVersionStmt = db.prepare('PRAGMA data_version').pluck();
    this.views = new ConsoleReads(db);
  }

  createRun(r: NewRun): void {
    this.write('create a run', () => this.runsOps.create(r));
  }

  /** Replace the run's frozen plan and append `events` (PLAN_CHANGE_ACCEPTED) in one transaction, as append does. */
  replacePlan(
    runId: string,
    planJson: string,
    planHash: string,
    expectedSeq: number,
    events: NewEvent[],
    lease?: LeaseToken,
  ): StoredEvent[] {
    const out = this.write("change a run's plan", () =>
      this.db
        .transaction(() => {
          this.runsOps.replacePlan(runId, planJson, planHash);
          return this.appender.append(runId, expectedSeq, events, lease);
        })
        .immediate(),
    );
    this.checkpointer?.committed(out.length);
    return out;
  }

  getRun(runId: string): RunRow | undefined {
    return this.runsOps.get(runId);
  }

  requireRun(runId: string): RunRow {
    return this.runsOps.require(runId);
  }

  /** Every run, newest first. */
  listRuns(): RunRow[] {
    return this.runsOps.list();
  }

  head(runId: string): { seq: number; hash: string } {
    return this.reader.head(runId);
  }

  /**
   * All of `events` after `expectedSeq`, or none: CONFLICT when the log's head is not `expectedSeq`, LEASE_LOST
   * when `lease` no longer holds the run. The store makes no callback: the caller decided the events beforehand.
   */
  append(runId: string, expectedSeq: number, events: NewEvent[], lease?: LeaseToken): StoredEvent[] {
    const out = this.write('append events', () => this.appender.append(runId, expectedSeq, events, lease));
    this.checkpointer?.committed(out.length);
    return out;
  }

  /** At most `limit` events from `fromSeq` on, in seq order. */
  readEvents(runId: string, fromSeq: number, limit: number): StoredEvent[] {
    return this.reader.page(runId, fromSeq, limit);
  }

  /** Lazily streams events in seq order; the connection cannot write until the iterator is done. */
  events(runId: string, opts?: { fromSeq?: number; toSeq?: number }): IterableIterator<StoredEvent> {
    return this.reader.events(runId, opts);
  }

  eventCount(runId: string): number {
    return this.reader.count(runId);
  }

  saveSnapshot(runId: string, seq: number, snapshot: unknown, opts?: { beforeCommit?: () => void }): void {
    this.write('save a snapshot', () => this.snapshots.save(runId, seq, snapshot, opts));
  }

  /** Throws LOG_TAMPERED when the snapshot or the log under it was altered. */
  latestSnapshot(runId: string, atOrBeforeSeq?: number): SnapshotRecord | undefined {
    return this.snapshots.load(runId, atOrBeforeSeq);
  }

  units(runId: string, filter?: UnitFilter): UnitRow[] {
    return this.projection.units(runId, filter);
  }

  /** Pending units whose last attempt failed, in step and partition order, at most `limit`. */
  retryingUnits(runId: string, limit: number): UnitRow[] {
    return this.projection.retryingUnits(runId, limit);
  }

  /** Units that failed for good, grouped by error code, at most `limitPerCode` listed per code. */
  failedUnits(runId: string, limitPerCode: number): FailureGroup[] {
    return this.projection.failedUnits(runId, limitPerCode);
  }

  unitCounts(runId: string): Record<string, Record<UnitStatus, number>> {
    return this.projection.unitCounts(runId);
  }

  rebuildProjection(runId: string): void {
    this.write('rebuild the units projection', () => this.projection.rebuild(runId));
  }

  verifyChain(runId: string, opts?: VerifyOptions): ChainReport {
    return this.verifier.verify(runId, opts);
  }

  /** The latest event that fixed the run's plan (RUN_CREATED or PLAN_CHANGE_ACCEPTED), with its own hash checked. */
  planEvent(runId: string): PlanEventRow | undefined {
    return this.verifier.planEvent(runId);
  }

  acquireLease(
    runId: string,
    owner: string,
    ttlMs: number,
    opts: { canSteal?: (currentOwner: string, expiresAt: string) => boolean } = {},
  ): LeaseResult {
    return this.write('take a lease', () => this.leases.acquire(runId, owner, ttlMs, opts.canSteal));
  }

  /** Take the lease and get its fencing token (the epoch moves on with every acquisition). */
  acquireLeaseToken(
    runId: string,
    owner: string,
    ttlMs: number,
    canSteal?: (currentOwner: string, expiresAt: string) => boolean,
  ): LeaseGrant {
    return this.write('take a lease', () => this.leases.acquireToken(runId, owner, ttlMs, canSteal));
  }

  renewLeaseToken(runId: string, lease: LeaseToken, ttlMs: number): boolean {
    return this.write('renew a lease', () => this.leases.renewToken(runId, lease, ttlMs));
  }

  releaseLeaseToken(runId: string, lease: LeaseToken): void {
    this.write('release a lease', () => this.leases.releaseToken(runId, lease));
  }

  renewLease(runId: string, owner: string, ttlMs: number): boolean {
    return this.write('renew a lease', () => this.leases.renew(runId, owner, ttlMs));
  }

  releaseLease(runId: string, owner: string): void {
    this.write('release a lease', () => this.leases.release(runId, owner));
  }

  /** PRAGMA data_version: changes when another connection committed to the file. */
  dataVersion(): number {
    return this.dataVersionStmt.get() as number;
  }

  /** Closes the connection; a checkpoint worker is stopped without waiting (EventStore.close waits for it). */
  close(): void {
    this.checkpointer?.stopNow();
    if (this.db.open) this.db.close();
  }

  /** Every write: refused on a read-only connection; a failure of the file or its disk told as such. */
  private write<T>(what: string, fn: () => T): T {
    if (this.readonly) {
      throw new PhasedError('BAD_ARGUMENT', `cannot ${what}: ${this.file} was opened read-only`);
    }
    try {
      return fn();
    } catch (err) {
      throw storageError(err, this.file, what);
    }
  }
}
