// Cheap reads for the console and the daemon's scheduler on PostgreSQL (store/views.ts's, same shapes): run
// summaries without the frozen plan, a page of units, the units still open, the few events of given types.

import type { StoreViews } from '../api.js';
import type { StoredEvent, UnitRow } from '../types.js';
import type { RunSummaryRow, UnitPageFilter } from '../views.js';
import type { Db } from './db.js';
import { EVENT_COLUMNS } from './read.js';
import { UNIT_COLUMNS } from './units.js';

const SUMMARY = `SELECT r.run_id AS "runId", r.plan_name AS "planName", r.plan_hash AS "planHash",
  r.machine_version AS "machineVersion", r.created_at AS "createdAt", h.status, r.owner,
  r.lease_expires_at AS "leaseExpiresAt", h.head_seq AS "headSeq", h.head_hash AS "headHash",
  h.updated_at AS "updatedAt"
  FROM runs r JOIN run_heads h ON h.run_id = r.run_id`;
const UNIT_WHERE = `run_id = $1 AND ($2::text IS NULL OR step = $2) AND ($3::text IS NULL OR "partition" = $3)
  AND ($4::text[] IS NULL OR status = ANY($4)) AND (NOT $5 OR (status = 'pending' AND error IS NOT NULL))`;

export class PgViews implements StoreViews {
  constructor(private readonly db: Db) {}

  async runSummaries(): Promise<RunSummaryRow[]> {
    return this.db.read<RunSummaryRow>({
      text: `${SUMMARY} ORDER BY r.created_at DESC, r.created_order DESC`,
    });
  }

  async runSummary(runId: string): Promise<RunSummaryRow | undefined> {
    const rows = await this.db.read<RunSummaryRow>({
      text: `${SUMMARY} WHERE r.run_id = $1`,
      values: [runId],
    });
    return rows[0];
  }

  async headSeqs(): Promise<{ runId: string; headSeq: number }[]> {
    return this.db.read({ text: 'SELECT run_id AS "runId", head_seq AS "headSeq" FROM run_heads' });
  }

  async planJson(runId: string): Promise<string | undefined> {
    const rows = await this.db.read<{ plan_json: string }>({
      text: 'SELECT plan_json FROM runs WHERE run_id = $1',
      values: [runId],
    });
    return rows[0]?.plan_json;
  }

  async unitsPage(runId: string, f: UnitPageFilter): Promise<{ total: number; units: UnitRow[] }> {
    const params = [runId, f.step ?? null, f.partition ?? null, f.status ?? null, f.retrying ?? false];
    const units = await this.db.read<UnitRow>({
      text: `SELECT ${UNIT_COLUMNS} FROM units WHERE ${UNIT_WHERE} ORDER BY step, "partition" LIMIT $6 OFFSET $7`,
      values: [...params, f.limit, f.offset],
    });
    const total = await this.db.read<{ n: number }>({
      text: `SELECT count(*) AS n FROM units WHERE ${UNIT_WHERE}`,
      values: params,
    });
    return { total: total[0].n, units };
  }

  /** Units in flight, failed for good, or pending after a failed attempt. */
  async openUnits(runId: string): Promise<UnitRow[]> {
    return this.db.read<UnitRow>({
      text: `SELECT ${UNIT_COLUMNS} FROM units WHERE run_id = $1
             AND (status = 'started' OR (status IN ('pending', 'failed') AND error IS NOT NULL))`,
      values: [runId],
    });
  }

  /** The last `limit` events at or before `toSeq`, newest first. */
  async lastEventsBefore(runId: string, toSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.db.read<StoredEvent>({
      text: `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT $3`,
      values: [runId, toSeq, limit],
    });
  }

  /** Events of the given types in (afterSeq, toSeq], in seq order. */
  async eventsOfTypes(
    runId: string,
    types: readonly string[],
    afterSeq = 0,
    toSeq = Number.MAX_SAFE_INTEGER,
  ): Promise<StoredEvent[]> {
    return this.db.read<StoredEvent>({
      text: `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = $1 AND seq > $2 AND seq <= $3 AND type = ANY($4)
             ORDER BY seq`,
      values: [runId, afterSeq, toSeq, [...types]],
    });
  }
}
