// Public surface of the PostgreSQL event store: open a server's schema, then use it as any EventStore.
export type { PgOptions } from './db.js';
export type { ClaimedRun } from './lease.js';
export { openPgStore, type PgStoreOptions } from './open.js';
export { channelFor, PG_MIGRATIONS, PG_SCHEMA_VERSION } from './schema.js';
export { PgEventStore } from './store.js';
export { DEFAULT_SCHEMA, isPostgresUrl, type PgTarget, parsePgUrl, printableDb } from './url.js';
