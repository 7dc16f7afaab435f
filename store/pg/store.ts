// PgEventStore: the EventStore interface (store/api.ts) on PostgreSQL; each method delegates to the module that
// owns the operation. Also offers what only a shared server can: claimRuns for daemons, waitForChange.

import { PhasedError } from '../../machines/index.js';
import type {
  CanStealLease,
  ChainWalkOptions,
  EventReadOptions,
  EventStore,
  LeaseGrant,
  LeaseToken,
  SnapshotSaveOptions,
} from '../api.js';
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
} from '../types.js';
import { PgAppender } from './append.js';
import type { Db } from './db.js';
import { PgImporter } from './import.js';
import { type ClaimedRun, PgLeases } from './lease.js';
import type { ChangeMarks } from './notify.js';
import { PgReader } from './read.js';
import { PgRuns } from './runs.js';
import { PgSnapshots } from './snapshots.js';
import { PgUnits } from './units.js';
import { PgVerifier } from './verify.js';
import { PgViews } from './views.js';

export class PgEventStore implements EventStore {
  readonly backend = 'postgres' as const;
  readonly location: string;
  readonly schema: string;
  /** Two of a run's appends in flight: one on the server while the next is sent (append.ts, lane.ts). */
  readonly pipelineDepth = 2;
  readonly views: PgViews;
  private readonly runs: PgRuns;
  private readonly reader: PgReader;
  private readonly appender: PgAppender;
  private readonly snapshots: PgSnapshots;
  private readonly unitsOps: PgUnits;
  private readonly verifier: PgVerifier;
  private readonly leases: PgLeases;
  private readonly importer: PgImporter;

  /** Use openPgStore(); this takes a pool on a migrated schema. */
  constructor(
    private readonly db: Db,
    private readonly marks: ChangeMarks,
    channel: string,
    readonly snapshotEvery: number,
    readonly readonly: boolean,
  ) {
    this.location = db.target.location;
    this.schema = db.target.schema;
    this.runs = new PgRuns(db, channel);
    this.reader = new PgReader(db);
    this.appender = new PgAppender(db, this.runs);
    this.snapshots = new PgSnapshots(db, (runId, seq) => this.appender.knownHash(runId, seq));
    this.unitsOps = new PgUnits(db);
    this.verifier = new PgVerifier(db, this.runs);
    this.leases = new PgLeases(db, this.runs, channel);
    this.views = new PgViews(db);
    this.importer = new PgImporter(db, channel);
  }

  async createRun(r: NewRun): Promise<void> {
    this.writable('create a run');
    await this.runs.create(r);
  }

  getRun(runId: string): Promise<RunRow | undefined> {
    return this.runs.get(runId);
  }

  requireRun(runId: string): Promise<RunRow> {
    return this.runs.require(runId);
  }

  listRuns(): Promise<RunRow[]> {
    return this.runs.list();
  }

  head(runId: string): Promise<{ seq: number; hash: string }> {
    return this.reader.head(runId);
  }

  async append(
    runId: string,
    expectedSeq: number,
    events: NewEvent[],
    lease?: LeaseToken,
  ): Promise<StoredEvent[]> {
    this.writable('append events');
    return this.appender.append(runId, expectedSeq, events, lease);
  }

  async replacePlan(
    runId: string,
    planJson: string,
    planHash: string,
    expectedSeq: number,
    events: NewEvent[],
    lease?: LeaseToken,
  ): Promise<StoredEvent[]> {
    this.writable("change a run's plan");
    return this.appender.append(runId, expectedSeq, events, lease, { planJson, planHash });
  }

  events(runId: string, opts?: EventReadOptions): AsyncIterable<StoredEvent> {
    return this.reader.events(runId, opts);
  }

  readEvents(runId: string, fromSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.reader.page(runId, fromSeq, limit);
  }

  eventCount(runId: string): Promise<number> {
    return this.reader.count(runId);
  }

  async saveSnapshot(
    runId: string,
    seq: number,
    snapshot: unknown,
    opts?: SnapshotSaveOptions,
  ): Promise<void> {
    this.writable('save a snapshot');
    await this.snapshots.save(runId, seq, snapshot, opts);
  }

  latestSnapshot(runId: string, atOrBeforeSeq?: number): Promise<SnapshotRecord | undefined> {
    return this.snapshots.load(runId, atOrBeforeSeq);
  }

  units(runId: string, filter?: UnitFilter): Promise<UnitRow[]> {
    return this.unitsOps.units(runId, filter);
  }

  retryingUnits(runId: string, limit: number): Promise<UnitRow[]> {
    return this.unitsOps.retrying(runId, limit);
  }

  failedUnits(runId: string, limitPerCode: number): Promise<FailureGroup[]> {
    return this.unitsOps.failed(runId, limitPerCode);
  }

  unitCounts(runId: string): Promise<Record<string, Record<UnitStatus, number>>> {
    return this.unitsOps.counts(runId);
  }

  async rebuildProjection(runId: string): Promise<void> {
    this.writable('rebuild the units projection');
    await this.runs.require(runId);
    await this.unitsOps.rebuild(runId);
  }

  verifyChain(runId: string, opts?: ChainWalkOptions): Promise<ChainReport> {
    return this.verifier.verify(runId, opts);
  }

  planEvent(runId: string): Promise<PlanEventRow | undefined> {
    return this.verifier.planEvent(runId);
  }

  async acquireLease(
    runId: string,
    owner: string,
    ttlMs: number,
    opts: { canSteal?: CanStealLease } = {},
  ): Promise<LeaseGrant> {
    this.writable('take a lease');
    return this.leases.acquire(runId, owner, ttlMs, opts.canSteal);
  }

  async renewLease(runId: string, lease: LeaseToken, ttlMs: number): Promise<boolean> {
    this.writable('renew a lease');
    return this.leases.renew(runId, lease, ttlMs);
  }

  async releaseLease(runId: string, lease: LeaseToken): Promise<void> {
    this.writable('release a lease');
    await this.leases.release(runId, lease);
  }

  /** For daemons: claim up to `limit` created or running runs nobody holds (FOR UPDATE SKIP LOCKED). */
  async claimRuns(owner: string, limit: number, ttlMs: number): Promise<ClaimedRun[]> {
    this.writable('claim runs');
    return this.leases.claim(owner, limit, ttlMs);
  }

  /** Writes a whole run recorded elsewhere (its rows and hashes as they are), for `phased db copy`. */
  async importRun(run: RunRow, events: Iterable<StoredEvent>, snapshots: SnapshotRecord[]): Promise<number> {
    this.writable('copy a run in');
    return this.importer.importRun(run, events, snapshots);
  }

  changeMark(): Promise<string> {
    return this.marks.mark();
  }

  /** Resolves at the next append, new run or lease change anywhere in the schema, or after `timeoutMs`. */
  waitForChange(timeoutMs: number): Promise<void> {
    return this.marks.waitForChange(timeoutMs);
  }

  async close(): Promise<void> {
    await this.marks.close();
    await this.db.close();
  }

  private writable(what: string): void {
    if (this.readonly) {
      throw new PhasedError('BAD_ARGUMENT', `cannot ${what}: ${this.location} was opened read-only`);
    }
  }
}
