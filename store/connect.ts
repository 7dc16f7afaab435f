// Opens the event store a location names: a file path is SQLite (the default); server URLs are refused until a
// server backend is registered. Returns the asynchronous EventStore interface every caller holds.

import { PhasedError } from '../machines/index.js';
import type { EventStore } from './api.js';
import { openStore } from './open.js';
import { SqliteEventStore } from './sqlite-async.js';
import type { StoreOptions } from './types.js';

/** True for a location that names a database server rather than a file. */
export function isServerUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/** Opens (creating when allowed) the store at `location`. */
export async function openEventStore(location: string, opts: StoreOptions = {}): Promise<EventStore> {
  if (isServerUrl(location)) {
    const scheme = location.slice(0, location.indexOf(':'));
    throw new PhasedError(
      'BAD_ARGUMENT',
      `--db ${scheme}://…: this build has no backend for ${scheme} URLs. Pass a file path for the SQLite store.`,
    );
  }
  return new SqliteEventStore(openStore(location, opts));
}
