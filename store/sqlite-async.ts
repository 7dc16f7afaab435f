// The SQLite backend behind the asynchronous EventStore interface: each method runs the synchronous
// SqliteStore operation and resolves with its result. Owns the interface's semantics, not the SQL.

import { PhasedError } from '../machines/index.js';
import type {
  CanStealLease,
  ChainWalkOptions,
  EventReadOptions,
  EventStore,
  LeaseGrant,
  LeaseToken,
  SnapshotSaveOptions,
  StoreViews,
} from './api.js';
import type { SqliteStore } from './store.js';
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

/** Rows read per page by events(): bounded memory, few round trips. */
const EVENT_PAGE = 1000;

export class SqliteEventStore implements EventStore {
  readonly backend = 'sqlite' as const;
  readonly location: string;
  readonly snapshotEvery: number;
  readonly pipelineDepth = 1;
  readonly readonly: boolean;
  readonly views: StoreViews;

  constructor(readonly sync: SqliteStore) {
    this.location = sync.file;
    this.snapshotEvery = sync.snapshotEvery;
    this.readonly = sync.readonly;
    const v = sync.views;
    this.views = {
      runSummaries: async () => v.runSummaries(),
      runSummary: async (runId) => v.runSummary(runId),
      headSeqs: async () => v.headSeqs(),
      planJson: async (runId) => v.planJson(runId),
      unitsPage: async (runId, f) => v.unitsPage(runId, f),
      openUnits: async (runId) => v.openUnits(runId),
      lastEventsBefore: async (runId, toSeq, limit) => v.lastEventsBefore(runId, toSeq, limit),
      eventsOfTypes: async (runId, types, afterSeq, toSeq) => v.eventsOfTypes(runId, types, afterSeq, toSeq),
    };
  }

  async createRun(r: NewRun): Promise<void> {
    this.sync.createRun(r);
  }
  async getRun(runId: string): Promise<RunRow | undefined> {
    return this.sync.getRun(runId);
  }
  async requireRun(runId: string): Promise<RunRow> {
    return this.sync.requireRun(runId);
  }
  async listRuns(): Promise<RunRow[]> {
    return this.sync.listRuns();
  }
  async head(runId: string): Promise<{ seq: number; hash: string }> {
    return this.sync.head(runId);
  }

  async append(
    runId: string,
    expectedSeq: number,
    events: NewEvent[],
    lease?: LeaseToken,
  ): Promise<StoredEvent[]> {
    return this.sync.append(runId, expectedSeq, events, lease);
  }

  async replacePlan(
    runId: string,
    planJson: string,
    planHash: string,
    expectedSeq: number,
    events: NewEvent[],
    lease?: LeaseToken,
  ): Promise<StoredEvent[]> {
    return this.sync.replacePlan(runId, planJson, planHash, expectedSeq, events, lease);
  }

  async *events(runId: string, opts: EventReadOptions = {}): AsyncIterable<StoredEvent> {
    let from = opts.fromSeq ?? 1;
    const to = opts.toSeq ?? Number.MAX_SAFE_INTEGER;
    for (;;) {
      const page = this.sync.readEvents(runId, from, Math.min(EVENT_PAGE, to - from + 1));
      for (const e of page) yield e;
      if (page.length < EVENT_PAGE) return;
      from = page[page.length - 1].seq + 1;
      if (from > to) return;
    }
  }
  async readEvents(runId: string, fromSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.sync.readEvents(runId, fromSeq, limit);
  }
  async eventCount(runId: string): Promise<number> {
    return this.sync.eventCount(runId);
  }

  async saveSnapshot(
    runId: string,
    seq: number,
    snapshot: unknown,
    opts?: SnapshotSaveOptions,
  ): Promise<void> {
    this.sync.saveSnapshot(runId, seq, snapshot, opts);
  }
  async latestSnapshot(runId: string, atOrBeforeSeq?: number): Promise<SnapshotRecord | undefined> {
    return this.sync.latestSnapshot(runId, atOrBeforeSeq);
  }

  async units(runId: string, filter?: UnitFilter): Promise<UnitRow[]> {
    return this.sync.units(runId, filter);
  }
  async retryingUnits(runId: string, limit: number): Promise<UnitRow[]> {
    return this.sync.retryingUnits(runId, limit);
  }
  async failedUnits(runId: string, limitPerCode: number): Promise<FailureGroup[]> {
    return this.sync.failedUnits(runId, limitPerCode);
  }
  async unitCounts(runId: string): Promise<Record<string, Record<UnitStatus, number>>> {
    return this.sync.unitCounts(runId);
  }
  async rebuildProjection(runId: string): Promise<void> {
    this.sync.rebuildProjection(runId);
  }

  async verifyChain(runId: string, opts?: ChainWalkOptions): Promise<ChainReport> {
    return this.sync.verifyChain(runId, opts);
  }
  async planEvent(runId: string): Promise<PlanEventRow | undefined> {
    return this.sync.planEvent(runId);
  }

  async acquireLease(
    runId: string,
    owner: string,
    ttlMs: number,
    opts: { canSteal?: CanStealLease } = {},
  ): Promise<LeaseGrant> {
    return this.sync.acquireLeaseToken(runId, owner, ttlMs, opts.canSteal);
  }
  async renewLease(runId: string, lease: LeaseToken, ttlMs: number): Promise<boolean> {
    return this.sync.renewLeaseToken(runId, lease, ttlMs);
  }
  async releaseLease(runId: string, lease: LeaseToken): Promise<void> {
    this.sync.releaseLeaseToken(runId, lease);
  }

  async changeMark(): Promise<string> {
    return String(this.sync.dataVersion());
  }

  async close(): Promise<void> {
    // The worker's connection closes first, so this one is the last and folds the WAL back into the file.
    await this.sync.checkpointer?.stop();
    this.sync.close();
  }
}

/**
 * The synchronous SQLite class behind an EventStore, for the read-side modules (console, metrics) that still take
 * it. BAD_ARGUMENT for any other backend.
 */
export function sqliteSyncOf(store: EventStore): SqliteStore {
  if (store instanceof SqliteEventStore) return store.sync;
  throw new PhasedError(
    'BAD_ARGUMENT',
    `the console and metrics need an SQLite store here; ${store.location} is ${store.backend}`,
  );
}
