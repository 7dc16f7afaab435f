// The units projection: one row per (run, step, partition), folded from the log's typed unit events.
// An inline projection: the same apply() serves append (in its transaction) and rebuild (replaying the log);
// queries live here too.

import type Database from 'better-sqlite3';
import {
  type EventOf,
  eventFromRow,
  expandPartitions,
  type RunEvent,
  type RunEventType,
} from '../machines/index.js';
import type { EventPosition, InlineProjection } from './inline.js';
import { type FailureGroup, UNIT_STATUSES, type UnitFilter, type UnitRow, type UnitStatus } from './types.js';

/** Event types that change the projection; every other type leaves it alone. */
export const UNIT_EVENT_TYPES = [
  'BASELINE_RECORDED',
  'UNIT_STARTED',
  'UNIT_SUCCEEDED',
  'UNIT_FAILED',
  'RETRY_REQUESTED',
] as const;

const UNIT_COLUMNS = `run_id AS runId, step, "partition" AS partition, status, attempts, "rows" AS rows,
  job_ref AS jobRef, error, last_seq AS lastSeq`;
const REBUILD_PAGE = 500;
const HANDLED: ReadonlySet<string> = new Set(UNIT_EVENT_TYPES);

export class UnitsProjection implements InlineProjection {
  readonly name = 'units';
  private readonly pending: Database.Statement;
  private readonly started: Database.Statement;
  private readonly succeeded: Database.Statement;
  private readonly failed: Database.Statement;
  private readonly reopenAll: Database.Statement;
  private readonly reopenSome: Database.Statement;
  private readonly clear: Database.Statement;
  private readonly page: Database.Statement;
  private readonly byRun: Database.Statement;
  private readonly byStep: Database.Statement;
  private readonly counts: Database.Statement;
  private readonly retrying: Database.Statement;
  private readonly failures: Database.Statement;

  constructor(private readonly db: Database.Database) {
    const insert =
      'INSERT INTO units (run_id, step, "partition", status, attempts, "rows", job_ref, error, last_seq)';
    const key = 'ON CONFLICT (run_id, step, "partition") DO UPDATE SET';
    this.pending = db.prepare(
      `${insert} VALUES (?, ?, ?, 'pending', 0, NULL, NULL, NULL, ?) ON CONFLICT DO NOTHING`,
    );
    this.started = db.prepare(
      `${insert} VALUES (?, ?, ?, 'started', ?, NULL, ?, NULL, ?)
       ${key} status = 'started', attempts = excluded.attempts, job_ref = excluded.job_ref, last_seq = excluded.last_seq`,
    );
    this.succeeded = db.prepare(
      `${insert} VALUES (?, ?, ?, 'succeeded', ?, ?, NULL, NULL, ?)
       ${key} status = 'succeeded', attempts = excluded.attempts, "rows" = excluded."rows", error = NULL,
         last_seq = excluded.last_seq`,
    );
    this.failed = db.prepare(
      `${insert} VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?)
       ${key} status = excluded.status, attempts = excluded.attempts, error = excluded.error,
         last_seq = excluded.last_seq`,
    );
    const reopen = `UPDATE units SET status = 'pending', last_seq = ? WHERE run_id = ? AND step = ? AND status = 'failed'`;
    this.reopenAll = db.prepare(reopen);
    this.reopenSome = db.prepare(`${reopen} AND "partition" IN (SELECT value FROM json_each(?))`);
    this.clear = db.prepare('DELETE FROM units WHERE run_id = ?');
    const types = UNIT_EVENT_TYPES.map((t) => `'${t}'`).join(', ');
    this.page = db.prepare(
      `SELECT seq, type, data FROM events WHERE run_id = ? AND seq > ? AND type IN (${types}) ORDER BY seq LIMIT ?`,
    );
    const statusFilter = '(? IS NULL OR status IN (SELECT value FROM json_each(?)))';
    this.byRun = db.prepare(
      `SELECT ${UNIT_COLUMNS} FROM units WHERE run_id = ? AND ${statusFilter} ORDER BY step, "partition"`,
    );
    this.byStep = db.prepare(
      `SELECT ${UNIT_COLUMNS} FROM units WHERE run_id = ? AND step = ? AND ${statusFilter} ORDER BY "partition"`,
    );
    this.retrying = db.prepare(
      `SELECT ${UNIT_COLUMNS} FROM units WHERE run_id = ? AND status = 'pending' AND error IS NOT NULL
       ORDER BY step, "partition" LIMIT ?`,
    );
    // One pass over the run's failed units: the first `limit` per error code and each code's count.
    this.failures = db.prepare(
      `SELECT code, step, "partition" AS partition, attempts, message, n FROM (
         SELECT coalesce(json_extract(error, '$.code'), 'UNKNOWN') AS code, step, "partition", attempts,
                coalesce(json_extract(error, '$.message'), '') AS message,
                row_number() OVER (PARTITION BY json_extract(error, '$.code') ORDER BY step, "partition") AS rn,
                count(*) OVER (PARTITION BY json_extract(error, '$.code')) AS n
         FROM units WHERE run_id = ? AND status = 'failed')
       WHERE rn <= ? ORDER BY n DESC, code, step, "partition"`,
    );
    this.counts = db.prepare(
      'SELECT step, status, count(*) AS n FROM units WHERE run_id = ? GROUP BY step, status',
    );
  }

  canHandle(type: RunEventType): boolean {
    return HANDLED.has(type);
  }

  /** Folds one event into the projection; the caller holds the write transaction. */
  apply({ runId, seq }: EventPosition, event: RunEvent): void {
    switch (event.type) {
      case 'BASELINE_RECORDED':
        for (const s of event.steps) {
          for (const p of expandPartitions(s.toRun ?? [])) this.pending.run(runId, s.step, p, seq);
        }
        return;
      case 'UNIT_STARTED':
        this.started.run(runId, event.step, event.partition, event.attempt, event.jobRef ?? null, seq);
        return;
      case 'UNIT_SUCCEEDED':
        this.succeeded.run(runId, event.step, event.partition, event.attempt, event.rows ?? null, seq);
        return;
      case 'UNIT_FAILED': {
        const status: UnitStatus = event.final ? 'failed' : 'pending';
        const error = event.error === undefined ? null : JSON.stringify(event.error);
        this.failed.run(runId, event.step, event.partition, status, event.attempt, error, seq);
        return;
      }
      case 'RETRY_REQUESTED':
        this.reopen(runId, seq, event);
        return;
    }
  }

  private reopen(runId: string, seq: number, event: EventOf<'RETRY_REQUESTED'>): void {
    const only = event.step;
    const partitions = event.partitions === undefined ? undefined : JSON.stringify(event.partitions);
    for (const r of event.reopened ?? []) {
      if (only !== undefined && r.step !== only) continue;
      if (partitions === undefined) this.reopenAll.run(seq, runId, r.step);
      else this.reopenSome.run(seq, runId, r.step, partitions);
    }
  }

  /** Deletes the run's rows and replays its unit events in pages (never the whole log in memory). */
  rebuild(runId: string): void {
    this.db
      .transaction(() => {
        this.clear.run(runId);
        let after = 0;
        for (;;) {
          const rows = this.page.all(runId, after, REBUILD_PAGE) as {
            seq: number;
            type: string;
            data: string;
          }[];
          for (const r of rows) this.apply({ runId, seq: r.seq }, eventFromRow(r.type, r.data));
          if (rows.length < REBUILD_PAGE) return;
          after = rows[rows.length - 1].seq;
        }
      })
      .immediate();
  }

  units(runId: string, filter: UnitFilter = {}): UnitRow[] {
    const status = filter.status === undefined ? null : JSON.stringify(filter.status);
    const rows =
      filter.step === undefined
        ? this.byRun.all(runId, status, status)
        : this.byStep.all(runId, filter.step, status, status);
    return rows as UnitRow[];
  }

  /** Pending units whose last attempt failed (they wait for a retry), at most `limit`. */
  retryingUnits(runId: string, limit: number): UnitRow[] {
    return this.retrying.all(runId, limit) as UnitRow[];
  }

  /** Units that failed for good, grouped by error code (largest group first), at most `limit` listed per code. */
  failedUnits(runId: string, limit: number): FailureGroup[] {
    const groups = new Map<string, FailureGroup>();
    const rows = this.failures.all(runId, limit) as {
      code: string;
      step: string;
      partition: string;
      attempts: number;
      message: string;
      n: number;
    }[];
    for (const r of rows) {
      let g = groups.get(r.code);
      if (!g) {
        g = { code: r.code, count: r.n, units: [] };
        groups.set(r.code, g);
      }
      g.units.push({ step: r.step, partition: r.partition, attempts: r.attempts, message: r.message });
    }
    return [...groups.values()];
  }

  unitCounts(runId: string): Record<string, Record<UnitStatus, number>> {
    const out: Record<string, Record<UnitStatus, number>> = {};
    for (const r of this.counts.all(runId) as { step: string; status: UnitStatus; n: number }[]) {
      out[r.step] ??= Object.fromEntries(UNIT_STATUSES.map((s) => [s, 0])) as Record<UnitStatus, number>;
      out[r.step][r.status] = r.n;
    }
    return out;
  }
}
