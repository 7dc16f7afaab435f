// Reading the log: the head of a run, a lazy iterator over a seq range, counts.
// Read-only; the hash-chain walk is verify.ts's, the projection replay projection.ts's.

import type Database from 'better-sqlite3';
import type { StoredEvent } from './types.js';

const EVENT_COLUMNS = 'run_id AS runId, seq, at, type, data, state, prev_hash AS prevHash, hash';

export class Reader {
  private readonly headStmt: Database.Statement;
  private readonly countStmt: Database.Statement;
  private readonly pageStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.headStmt = db.prepare('SELECT seq, hash FROM events WHERE run_id = ? ORDER BY seq DESC LIMIT 1');
    this.pageStmt = db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
    );
    this.countStmt = db.prepare('SELECT count(*) FROM events WHERE run_id = ?').pluck();
  }

  /** The last event's seq and hash; {0, ''} for a run without events. */
  head(runId: string): { seq: number; hash: string } {
    const row = this.headStmt.get(runId) as { seq: number; hash: string } | undefined;
    return row ?? { seq: 0, hash: '' };
  }

  /**
   * Streams events in seq order from an open statement: rows are fetched as the caller advances.
   * While it is open the connection cannot write; finish or `break` before appending.
   * Each call gets its own statement, so iterators may be nested or interleaved.
   */
  events(runId: string, opts: { fromSeq?: number; toSeq?: number } = {}): IterableIterator<StoredEvent> {
    const from = opts.fromSeq ?? 1;
    const to = opts.toSeq ?? Number.MAX_SAFE_INTEGER;
    const stmt = this.db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = ? AND seq >= ? AND seq <= ? ORDER BY seq`,
    );
    return stmt.iterate(runId, from, to) as IterableIterator<StoredEvent>;
  }

  /** At most `limit` events from `fromSeq` on. */
  page(runId: string, fromSeq: number, limit: number): StoredEvent[] {
    return this.pageStmt.all(runId, fromSeq, limit) as StoredEvent[];
  }

  count(runId: string): number {
    return this.countStmt.get(runId) as number;
  }
}
