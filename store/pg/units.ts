// The units projection's reads on PostgreSQL, and its rebuild from the log (the same fold as append, unit-ops.ts,
// applied page by page in one transaction).

import { eventFromRow } from '../../machines/index.js';
import { UNIT_EVENT_TYPES } from '../projection.js';
import type { FailureGroup, UnitFilter, UnitRow, UnitStatus } from '../types.js';
import { UNIT_STATUSES } from '../types.js';
import type { Db } from './db.js';
import { APPLY_UNIT_OPS_SQL, UnitOps } from './unit-ops.js';

export const UNIT_COLUMNS = `run_id AS "runId", step, "partition", status, attempts, "rows", job_ref AS "jobRef",
  error, last_seq AS "lastSeq"`;
const REBUILD_PAGE = 500;

export class PgUnits {
  constructor(private readonly db: Db) {}

  async units(runId: string, filter: UnitFilter = {}): Promise<UnitRow[]> {
    return this.db.read<UnitRow>({
      text: `SELECT ${UNIT_COLUMNS} FROM units WHERE run_id = $1 AND ($2::text IS NULL OR step = $2)
             AND ($3::text[] IS NULL OR status = ANY($3)) ORDER BY step, "partition"`,
      values: [runId, filter.step ?? null, filter.status ?? null],
    });
  }

  /** Pending units whose last attempt failed (they wait for a retry), at most `limit`. */
  async retrying(runId: string, limit: number): Promise<UnitRow[]> {
    return this.db.read<UnitRow>({
      text: `SELECT ${UNIT_COLUMNS} FROM units WHERE run_id = $1 AND status = 'pending' AND error IS NOT NULL
             ORDER BY step, "partition" LIMIT $2`,
      values: [runId, limit],
    });
  }

  /** Units that failed for good, grouped by error code (largest group first), at most `limit` listed per code. */
  async failed(runId: string, limit: number): Promise<FailureGroup[]> {
    const rows = await this.db.read<{
      code: string;
      step: string;
      partition: string;
      attempts: number;
      message: string;
      n: number;
    }>({
      text: `SELECT code, step, "partition", attempts, message, n FROM (
               SELECT coalesce(e->>'code', 'UNKNOWN') AS code, step, "partition", attempts,
                      coalesce(e->>'message', '') AS message,
                      row_number() OVER (PARTITION BY e->>'code' ORDER BY step, "partition") AS rn,
                      count(*) OVER (PARTITION BY e->>'code') AS n
               FROM (SELECT *, error::jsonb AS e FROM units WHERE run_id = $1 AND status = 'failed') f) g
             WHERE rn <= $2 ORDER BY n DESC, code COLLATE "C", step, "partition"`,
      values: [runId, limit],
    });
    const groups = new Map<string, FailureGroup>();
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

  async counts(runId: string): Promise<Record<string, Record<UnitStatus, number>>> {
    const out: Record<string, Record<UnitStatus, number>> = {};
    const rows = await this.db.read<{ step: string; status: UnitStatus; n: number }>({
      text: 'SELECT step, status, count(*) AS n FROM units WHERE run_id = $1 GROUP BY step, status',
      values: [runId],
    });
    for (const r of rows) {
      out[r.step] ??= Object.fromEntries(UNIT_STATUSES.map((s) => [s, 0])) as Record<UnitStatus, number>;
      out[r.step][r.status] = r.n;
    }
    return out;
  }

  /** Deletes the run's rows and replays its unit events in pages, all in one transaction. */
  async rebuild(runId: string): Promise<void> {
    await this.db.tx(async (c) => {
      // Appends to this run wait until the rebuild commits, so none is folded twice or missed.
      await c.query('SELECT 1 FROM run_heads WHERE run_id = $1 FOR UPDATE', [runId]);
      await c.query('DELETE FROM units WHERE run_id = $1', [runId]);
      let after = 0;
      for (;;) {
        const r = await c.query<{ seq: number; type: string; data: string }>(
          `SELECT seq, type, data FROM events WHERE run_id = $1 AND seq > $2 AND type = ANY($3)
           ORDER BY seq LIMIT ${REBUILD_PAGE}`,
          [runId, after, [...UNIT_EVENT_TYPES]],
        );
        const ops = new UnitOps();
        for (const e of r.rows) ops.add(e.seq, eventFromRow(e.type, e.data));
        if (ops.length > 0) {
          await c.query(APPLY_UNIT_OPS_SQL, [runId, ...ops.params()]);
        }
        if (r.rows.length < REBUILD_PAGE) return;
        after = r.rows[r.rows.length - 1].seq;
      }
    });
  }
}
