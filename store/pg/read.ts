// Reading the log on PostgreSQL: a run's head, events in seq order read in pages (keyset on seq, so a long log
// never sits in memory and each page is an idempotent, retried read), counts.

import type { EventReadOptions } from '../api.js';
import type { StoredEvent } from '../types.js';
import type { Db } from './db.js';

export const EVENT_COLUMNS = `run_id AS "runId", seq, at, type, data, state, prev_hash AS "prevHash", hash`;
const PAGE = 1000;

export class PgReader {
  constructor(private readonly db: Db) {}

  /** The last event's seq and hash; {0, ''} for a run without events. */
  async head(runId: string): Promise<{ seq: number; hash: string }> {
    const rows = await this.db.read<{ seq: number; hash: string }>({
      name: 'phased_head',
      text: 'SELECT seq, hash FROM events WHERE run_id = $1 ORDER BY seq DESC LIMIT 1',
      values: [runId],
    });
    return rows[0] ?? { seq: 0, hash: '' };
  }

  /** At most `limit` events from `fromSeq` up to `toSeq`, in seq order. */
  async page(runId: string, fromSeq: number, limit: number, toSeq = Number.MAX_SAFE_INTEGER) {
    return this.db.read<StoredEvent>({
      name: 'phased_events_page',
      text: `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
      values: [runId, fromSeq, toSeq, limit],
    });
  }

  async *events(runId: string, opts: EventReadOptions = {}): AsyncIterable<StoredEvent> {
    let from = opts.fromSeq ?? 1;
    const to = opts.toSeq ?? Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = await this.page(runId, from, PAGE, to);
      yield* rows;
      if (rows.length < PAGE) return;
      from = rows[rows.length - 1].seq + 1;
    }
  }

  async count(runId: string): Promise<number> {
    const rows = await this.db.read<{ n: number }>({
      text: 'SELECT count(*) AS n FROM events WHERE run_id = $1',
      values: [runId],
    });
    return rows[0].n;
  }
}
