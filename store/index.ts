// Public surface of the event store: the asynchronous interface every backend implements, and the SQLite backend.
export type {
  CanStealLease,
  ChainWalkOptions,
  EventReadOptions,
  EventStore,
  LeaseGrant,
  LeaseToken,
  SnapshotSaveOptions,
  StoreViews,
  VisitStoredEvent,
} from './api.js';
export { isServerUrl, openEventStore } from './connect.js';
export { eventHash, snapshotDigest } from './hash.js';
export type { EventPosition, InlineProjection } from './inline.js';
export type { CanSteal } from './lease.js';
export { openStore } from './open.js';
// The PostgreSQL store (store/pg/) is loaded on demand: import('./pg/index.js') when --db is a postgres:// URL.
export type { ClaimedRun, PgEventStore, PgStoreOptions } from './pg/index.js';
export { isPostgresUrl, printableDb } from './pg/url.js';
export { UNIT_EVENT_TYPES } from './projection.js';
export { APPLICATION_ID, MIGRATIONS, migrate, SCHEMA_VERSION } from './schema.js';
export { SNAPSHOTS_KEPT } from './snapshots.js';
export { SqliteEventStore, sqliteSyncOf } from './sqlite-async.js';
export { SqliteStore } from './store.js';
export type {
  ChainReport,
  FailureGroup,
  LeaseResult,
  NewEvent,
  NewRun,
  PlanEventRow,
  RunRow,
  RunStatus,
  SnapshotRecord,
  StoredEvent,
  StoreOptions,
  UnitFilter,
  UnitRow,
  UnitStatus,
} from './types.js';
export { RUN_STATUSES, UNIT_STATUSES } from './types.js';
export type { VerifyOptions, VisitEvent } from './verify.js';
export { ConsoleReads, type RunSummaryRow, type UnitPageFilter } from './views.js';
