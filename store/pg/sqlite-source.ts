// Reads a phased SQLite file for `phased db copy`: runs, their verified chains, events in order and snapshots.
// The one place the PostgreSQL side touches the SQLite store's class, opened read-only.

import { openStore, type SqliteStore } from '../index.js';
import type { ChainReport, RunRow, SnapshotRecord, StoredEvent } from '../types.js';

export class SqliteSource {
  private readonly store: SqliteStore;

  constructor(readonly file: string) {
    this.store = openStore(file, { readonly: true });
  }

  listRuns(): RunRow[] {
    return this.store.listRuns();
  }

  verify(runId: string): ChainReport {
    return this.store.verifyChain(runId);
  }

  head(runId: string): { seq: number; hash: string } {
    return this.store.head(runId);
  }

  events(runId: string): Iterable<StoredEvent> {
    return this.store.events(runId);
  }

  /** The kept snapshots, oldest first, each checked against its digest and the log (LOG_TAMPERED if not). */
  snapshots(runId: string): SnapshotRecord[] {
    const out: SnapshotRecord[] = [];
    for (let s = this.store.latestSnapshot(runId); s; s = this.store.latestSnapshot(runId, s.seq - 1)) {
      out.unshift(s);
      if (s.seq <= 1) break;
    }
    return out;
  }

  close(): void {
    this.store.close();
  }
}
