// The seam between readers that hold the asynchronous EventStore and code that still takes the synchronous
// SQLite class. Temporary: the engine, the summary, the metrics and replay take EventStore now; the console's
// server is the last caller, and this module goes with that use.

import { PhasedError } from '../../machines/index.js';
import { type EventStore, SqliteEventStore, SqliteStore } from '../../store/index.js';

/** The interface over either form a caller may still hand over. */
export function toEventStore(store: EventStore | SqliteStore): EventStore {
  return store instanceof SqliteStore ? new SqliteEventStore(store) : store;
}

/** The synchronous SQLite store under `store`, for engine functions that take it. */
export function syncStoreOf(store: EventStore): SqliteStore {
  if (store instanceof SqliteEventStore) return store.sync;
  throw new PhasedError(
    'BAD_ARGUMENT',
    `this operation needs the SQLite store, but ${store.location} is a ${store.backend} store`,
  );
}
