// The runs table on PostgreSQL: creating a run (with its head row, notified to listeners), reading one or all,
// and the RUN_NOT_FOUND message. Head and lease columns are append.ts's and lease.ts's to change.

import { PhasedError } from '../../machines/index.js';
import type { NewRun, RunRow } from '../types.js';
import { type Db, pause } from './db.js';
import { isConnectionLost, sqlState, unavailable } from './errors.js';

const RUN_COLUMNS = `r.run_id AS "runId", r.plan_name AS "planName", r.plan_hash AS "planHash",
  r.plan_json AS "planJson", r.machine_version AS "machineVersion", r.created_at AS "createdAt", r.status,
  r.state_json AS "stateJson", r.owner, r.lease_expires_at AS "leaseExpiresAt", h.head_seq AS "headSeq",
  h.updated_at AS "updatedAt"`;
const RUN_FROM = 'runs r JOIN run_heads h ON h.run_id = r.run_id';

export class PgRuns {
  constructor(
    private readonly db: Db,
    private readonly channel: string,
  ) {}

  async create(r: NewRun): Promise<void> {
    if (typeof r.runId !== 'string' || r.runId === '') {
      throw new PhasedError(
        'BAD_ARGUMENT',
        `a run id must be a non-empty string, got ${JSON.stringify(r.runId)}`,
      );
    }
    // One statement: the run, its head row and the notification commit together. A lost connection leaves it in
    // doubt: it is sent again, and "already exists" then means the first try committed when the row is ours.
    const deadline = Date.now() + this.db.retryForMs;
    let inDoubt = false;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.once({
          name: 'phased_create_run',
          text: `WITH r AS (
                   INSERT INTO runs (run_id, plan_name, plan_hash, plan_json, machine_version, created_at, status)
                   VALUES ($1, $2, $3, $4, $5, $6, 'created') RETURNING run_id),
                 h AS (INSERT INTO run_heads (run_id) SELECT run_id FROM r RETURNING run_id)
                 SELECT pg_notify($7, run_id) FROM h`,
          values: [r.runId, r.planName, r.planHash, r.planJson, r.machineVersion, r.createdAt, this.channel],
        });
        return;
      } catch (err) {
        if (isConnectionLost(err)) {
          if (Date.now() >= deadline) throw unavailable(this.db.target, `create run ${r.runId}`, err);
          inDoubt = true;
          await pause(attempt);
          continue;
        }
        if (sqlState(err) !== '23505') throw err;
        if (inDoubt && sameRun(await this.get(r.runId), r)) return;
        throw new PhasedError(
          'BAD_ARGUMENT',
          `run ${r.runId} already exists in ${this.db.target.location}: choose another --run-id, or continue it with \`phased resume ${r.runId}\``,
          { details: { runId: r.runId, location: this.db.target.location } },
        );
      }
    }
  }

  async get(runId: string): Promise<RunRow | undefined> {
    const rows = await this.db.read<RunRow>({
      name: 'phased_get_run',
      text: `SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} WHERE r.run_id = $1`,
      values: [runId],
    });
    return rows[0];
  }

  async require(runId: string): Promise<RunRow> {
    const row = await this.get(runId);
    if (!row) throw await this.notFound(runId);
    return row;
  }

  /** Every run, newest first. */
  async list(): Promise<RunRow[]> {
    return this.db.read<RunRow>({
      text: `SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} ORDER BY r.created_at DESC, r.created_order DESC`,
    });
  }

  /** RUN_NOT_FOUND naming the run, the database and up to 5 runs it does hold. */
  async notFound(runId: string): Promise<PhasedError> {
    const where = this.db.target.location;
    const ids = (
      await this.db.read<{ run_id: string }>({
        text: 'SELECT run_id FROM runs ORDER BY created_at DESC, created_order DESC LIMIT 6',
      })
    ).map((r) => r.run_id);
    const known =
      ids.length === 0
        ? 'it holds no runs yet (start one with `phased run PLAN`)'
        : `runs there: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''} (see \`phased status\`)`;
    return new PhasedError('RUN_NOT_FOUND', `run ${runId} not found in ${where}; ${known}`, {
      details: { runId, location: where, known: ids.slice(0, 5) },
    });
  }
}

function sameRun(row: RunRow | undefined, r: NewRun): boolean {
  return (
    row !== undefined &&
    row.planName === r.planName &&
    row.planHash === r.planHash &&
    row.planJson === r.planJson &&
    row.machineVersion === r.machineVersion &&
    row.createdAt === r.createdAt
  );
}
