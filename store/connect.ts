// Opens the event store a location names: a postgres:// URL is the team store on PostgreSQL (loaded only then),
// anything else is an SQLite file path (the default). Returns the asynchronous EventStore every caller holds.

import { PhasedError } from '../machines/index.js';
import type { EventStore } from './api.js';
import { openStore } from './open.js';
import { isPostgresUrl } from './pg/url.js';
import { SqliteEventStore } from './sqlite-async.js';
import type { StoreOptions } from './types.js';

/** True for a location that names a database server rather than a file. */
export function isServerUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/** Opens (creating when allowed) the store at `location`. */
export async function openEventStore(location: string, opts: StoreOptions = {}): Promise<EventStore> {
  if (isPostgresUrl(location)) {
    // The pg client and the PostgreSQL store load only for a server URL (an SQLite start-up never pays for them).
    const { openPgStore } = await import('./pg/index.js');
    return openPgStore(location, { readonly: opts.readonly, snapshotEvery: opts.snapshotEvery });
  }
  if (isServerUrl(location)) {
    const scheme = location.slice(0, location.indexOf(':'));
    throw new PhasedError(
      'BAD_ARGUMENT',
      `--db ${scheme}://…: phased stores its log in an SQLite file or in PostgreSQL (postgres://user@host:5432/db). ` +
        'Pass a file path or a postgres:// URL.',
    );
  }
  return new SqliteEventStore(openStore(location, opts));
}
