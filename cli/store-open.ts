// Opening the event store for a command that holds the asynchronous interface: the same location and options as
// openDb (--db, else PHASED_DB, else .phased/phased.db; --synchronous; PHASED_SNAPSHOT_EVERY).

import { type EventStore, openEventStore } from '../store/index.js';
import { dbPath, type GlobalOptions } from './context.js';

export function openStoreFor(g: GlobalOptions, opts: { readonly?: boolean } = {}): Promise<EventStore> {
  const sync = g.synchronous ?? (process.env.PHASED_SYNCHRONOUS as GlobalOptions['synchronous']);
  const every = process.env.PHASED_SNAPSHOT_EVERY ? Number(process.env.PHASED_SNAPSHOT_EVERY) : undefined;
  return openEventStore(dbPath(g), { readonly: opts.readonly, synchronous: sync, snapshotEvery: every });
}
