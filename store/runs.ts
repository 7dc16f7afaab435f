// The runs table: creating a run, reading one or all, and the RUN_NOT_FOUND message.
// Does not touch status/head columns after creation: append.ts and lease.ts own those updates.

import type Database from 'better-sqlite3';
import { PhasedError } from '../machines/index.js';
import type { NewRun, RunRow } from './types.js';

const RUN_COLUMNS = `r.run_id AS runId, r.plan_name AS planName, r.plan_hash AS planHash, r.plan_json AS planJson,
  r.machine_version AS machineVersion, r.created_at AS createdAt, r.status, r.state_json AS stateJson, r.owner,
  r.lease_expires_at AS leaseExpiresAt, h.head_seq AS headSeq, h.updated_at AS updatedAt`;
const RUN_FROM = 'runs r JOIN run_heads h ON h.run_id = r.run_id';

export class Runs {
  private readonly insertStmt: Database.Statement;
  private readonly insertHeadStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly listStmt: Database.Statement;
  private readonly idsStmt: Database.Statement;
  private readonly planStmt: Database.Statement;
  /** The runs row and its head row, together or not at all. */
  private readonly insertTx: Database.Transaction<(r: NewRun) => void>;

  constructor(
    db: Database.Database,
    private readonly file: string,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO runs (run_id, plan_name, plan_hash, plan_json, machine_version, created_at, status)
       VALUES (@runId, @planName, @planHash, @planJson, @machineVersion, @createdAt, 'created')`,
    );
    this.insertHeadStmt = db.prepare('INSERT INTO run_heads (run_id) VALUES (?)');
    this.insertTx = db.transaction((r: NewRun) => {
      this.insertStmt.run({
        runId: r.runId,
        planName: r.planName,
        planHash: r.planHash,
        planJson: r.planJson,
        machineVersion: r.machineVersion,
        createdAt: r.createdAt,
      });
      this.insertHeadStmt.run(r.runId);
    });
    this.getStmt = db.prepare(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} WHERE r.run_id = ?`);
    this.listStmt = db.prepare(
      `SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} ORDER BY r.created_at DESC, r.rowid DESC`,
    );
    this.idsStmt = db.prepare('SELECT run_id FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?').pluck();
    this.planStmt = db.prepare('UPDATE runs SET plan_json = ?, plan_hash = ? WHERE run_id = ?');
  }

  create(r: NewRun): void {
    if (typeof r.runId !== 'string' || r.runId === '') {
      throw new PhasedError(
        'BAD_ARGUMENT',
        `a run id must be a non-empty string, got ${JSON.stringify(r.runId)}`,
      );
    }
    try {
      this.insertTx.immediate(r);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new PhasedError(
          'BAD_ARGUMENT',
          `run ${r.runId} already exists in ${this.file}: choose another --run-id, or continue it with \`phased resume ${r.runId}\``,
          { details: { runId: r.runId, file: this.file } },
        );
      }
      throw err;
    }
  }

  /** Replace the run's frozen plan (an accepted plan change; the caller logs it in the same transaction). */
  replacePlan(runId: string, planJson: string, planHash: string): void {
    if (this.planStmt.run(planJson, planHash, runId).changes === 0) throw this.notFound(runId);
  }

  get(runId: string): RunRow | undefined {
    return this.getStmt.get(runId) as RunRow | undefined;
  }

  require(runId: string): RunRow {
    const row = this.get(runId);
    if (!row) throw this.notFound(runId);
    return row;
  }

  list(): RunRow[] {
    return this.listStmt.all() as RunRow[];
  }

  /** RUN_NOT_FOUND naming the run, the database file and up to 5 runs it does hold. */
  notFound(runId: string): PhasedError {
    const ids = this.idsStmt.all(6) as string[];
    const known =
      ids.length === 0
        ? 'it holds no runs yet (start one with `phased run PLAN`)'
        : `runs there: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''} (see \`phased status\`)`;
    return new PhasedError('RUN_NOT_FOUND', `run ${runId} not found in ${this.file}; ${known}`, {
      details: { runId, file: this.file, known: ids.slice(0, 5) },
    });
  }
}
