// The seam between readers that hold the asynchronous EventStore and engine functions that still take the
// synchronous SQLite class. Temporary: once the engine takes EventStore, syncStoreOf's callers pass the store
// itself and toEventStore's callers receive it as it is.

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
