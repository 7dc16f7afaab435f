// Reads for the console and the daemon's scheduler that must stay cheap however many runs and events there are:
// run summaries without the frozen plan, a page of units, the units still open (in flight, failed or waiting to
// retry), and the few events of given types. Read-only; the projection's writes live in projection.ts.

import type Database from 'better-sqlite3';
import type { RunStatus, StoredEvent, UnitRow, UnitStatus } from './types.js';

/** A run's row and head without `plan_json` (tens of KB per run). */
export interface RunSummaryRow {
  runId: string;
  planName: string;
  planHash: string;
  machineVersion: string;
  createdAt: string;
  status: RunStatus;
  owner: string | null;
  leaseExpiresAt: string | null;
  headSeq: number;
  headHash: string;
  updatedAt: string | null;
}

export interface UnitPageFilter {
  step?: string;
  status?: UnitStatus[];
  partition?: string;
  /** Only pending units whose last attempt failed (waiting to retry). */
  retrying?: boolean;
  limit: number;
  offset: number;
}

const UNIT_COLUMNS = `run_id AS runId, step, "partition" AS partition, status, attempts, "rows" AS rows,
  job_ref AS jobRef, error, last_seq AS lastSeq`;
const EVENT_COLUMNS = 'run_id AS runId, seq, at, type, data, state, prev_hash AS prevHash, hash';
const SUMMARY = `SELECT r.run_id AS runId, r.plan_name AS planName, r.plan_hash AS planHash,
  r.machine_version AS machineVersion, r.created_at AS createdAt, h.status, r.owner,
  r.lease_expires_at AS leaseExpiresAt, h.head_seq AS headSeq, h.head_hash AS headHash, h.updated_at AS updatedAt
  FROM runs r JOIN run_heads h ON h.run_id = r.run_id`;
const UNIT_WHERE = `run_id = @runId AND (@step IS NULL OR step = @step)
  AND (@partition IS NULL OR "partition" = @partition)
  AND (@status IS NULL OR status IN (SELECT value FROM json_each(@status)))
  AND (@retrying = 0 OR (status = 'pending' AND error IS NOT NULL))`;

export class ConsoleReads {
  private readonly summaries: Database.Statement;
  private readonly summary: Database.Statement;
  private readonly heads: Database.Statement;
  private readonly plan: Database.Statement;
  private readonly unitPage: Database.Statement;
  private readonly unitTotal: Database.Statement;
  private readonly open: Database.Statement;
  private readonly lastEvents: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.summaries = db.prepare(`${SUMMARY} ORDER BY r.created_at DESC, r.rowid DESC`);
    this.summary = db.prepare(`${SUMMARY} WHERE r.run_id = ?`);
    this.heads = db.prepare('SELECT run_id AS runId, head_seq AS headSeq FROM run_heads');
    this.plan = db.prepare('SELECT plan_json FROM runs WHERE run_id = ?').pluck();
    this.unitPage = db.prepare(
      `SELECT ${UNIT_COLUMNS} FROM units WHERE ${UNIT_WHERE} ORDER BY step, "partition" LIMIT @limit OFFSET @offset`,
    );
    this.unitTotal = db.prepare(`SELECT count(*) FROM units WHERE ${UNIT_WHERE}`).pluck();
    this.open = db.prepare(
      `SELECT ${UNIT_COLUMNS} FROM units WHERE run_id = ?
       AND (status = 'started' OR (status IN ('pending', 'failed') AND error IS NOT NULL))`,
    );
    this.lastEvents = db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = ? AND seq <= ? ORDER BY seq DESC LIMIT ?`,
    );
  }

  /** Every run, newest first, without its plan. */
  runSummaries(): RunSummaryRow[] {
    return this.summaries.all() as RunSummaryRow[];
  }

  runSummary(runId: string): RunSummaryRow | undefined {
    return this.summary.get(runId) as RunSummaryRow | undefined;
  }

  /** Each run's head seq: one small row per run (a scheduler tick or a stream poll reads only this). */
  headSeqs(): { runId: string; headSeq: number }[] {
    return this.heads.all() as { runId: string; headSeq: number }[];
  }

  planJson(runId: string): string | undefined {
    return this.plan.get(runId) as string | undefined;
  }

  unitsPage(runId: string, f: UnitPageFilter): { total: number; units: UnitRow[] } {
    const params = {
      runId,
      step: f.step ?? null,
      partition: f.partition ?? null,
      status: f.status ? JSON.stringify(f.status) : null,
      retrying: f.retrying ? 1 : 0,
    };
    const units = this.unitPage.all({ ...params, limit: f.limit, offset: f.offset }) as UnitRow[];
    return { total: this.unitTotal.get(params) as number, units };
  }

  /** Units in flight, failed for good, or pending after a failed attempt. */
  openUnits(runId: string): UnitRow[] {
    return this.open.all(runId) as UnitRow[];
  }

  /** The last `limit` events at or before `toSeq`, newest first. */
  lastEventsBefore(runId: string, toSeq: number, limit: number): StoredEvent[] {
    return this.lastEvents.all(runId, toSeq, limit) as StoredEvent[];
  }

  /** Events of the given types after `afterSeq`, in seq order (scans the run's events once). */
  eventsOfTypes(runId: string, types: readonly string[], afterSeq = 0): StoredEvent[] {
    const list = types.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ');
    return this.db
      .prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = ? AND seq > ? AND type IN (${list}) ORDER BY seq`,
      )
      .all(runId, afterSeq) as StoredEvent[];
  }
}
