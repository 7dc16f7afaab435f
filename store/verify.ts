// Walks a run's hash chain from a seq to the head: gaps, re-linked prev hashes, altered rows, truncation;
// and finds the event that fixed the run's plan (the plan's hash itself is checked by the engine, which owns it).
// Streams rows from one statement (raw arrays); never holds the log in memory.

import type Database from 'better-sqlite3';
import { PhasedError } from '../machines/index.js';
import { ChainWalk, chainProblem } from './chain-walk.js';
import { eventHash } from './hash.js';
import type { Runs } from './runs.js';
import type { ChainReport, PlanEventRow } from './types.js';

type Row = [seq: number, type: string, data: string, prevHash: string, hash: string, state: string];

/** Called for each event whose hash checks out, in seq order; a returned string fails the walk at that seq. */
export type VisitEvent = (seq: number, type: string, data: string, state: string) => string | undefined;

export interface VerifyOptions {
  fromSeq?: number;
  /** Check more per event in the same pass (replay --verify folds the events through the machine). */
  visit?: VisitEvent;
}

export class ChainVerifier {
  private readonly headStmt: Database.Statement;
  private readonly hashAt: Database.Statement;
  private readonly planEventStmt: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly runs: Runs,
  ) {
    this.headStmt = db.prepare('SELECT head_seq AS seq, head_hash AS hash FROM run_heads WHERE run_id = ?');
    this.hashAt = db.prepare('SELECT hash FROM events WHERE run_id = ? AND seq = ?').pluck();
    // The partial index (schema version 3) holds only these rows; named, as the primary key would scan the log.
    this.planEventStmt = db
      .prepare(
        `SELECT seq, type, data, prev_hash, hash FROM events INDEXED BY events_plan
         WHERE run_id = ? AND type IN ('RUN_CREATED', 'PLAN_CHANGE_ACCEPTED') ORDER BY seq DESC LIMIT 1`,
      )
      .raw();
  }

  /** The latest RUN_CREATED or PLAN_CHANGE_ACCEPTED of the run (undefined before its first driver attached). */
  planEvent(runId: string): PlanEventRow | undefined {
    const row = this.planEventStmt.get(runId) as
      | [seq: number, type: PlanEventRow['type'], data: string, prevHash: string, hash: string]
      | undefined;
    if (!row) return undefined;
    const [seq, type, data, prevHash, hash] = row;
    return { seq, type, data, hashOk: eventHash(prevHash, runId, seq, type, data) === hash };
  }

  verify(runId: string, opts: VerifyOptions = {}): ChainReport {
    const fromSeq = opts.fromSeq ?? 1;
    if (!Number.isInteger(fromSeq) || fromSeq < 1) {
      throw new PhasedError('BAD_ARGUMENT', `verifyChain fromSeq must be an integer ≥ 1, got ${fromSeq}`);
    }
    // One read transaction, so the head and the rows come from the same state of the file.
    return this.db.transaction(() => this.walk(runId, fromSeq, opts.visit)).deferred();
  }

  private walk(runId: string, fromSeq: number, visit?: VisitEvent): ChainReport {
    const head = this.headStmt.get(runId) as { seq: number; hash: string } | undefined;
    if (!head) throw this.runs.notFound(runId);
    let prev = '';
    if (fromSeq > 1) {
      const p = this.hashAt.get(runId, fromSeq - 1) as string | undefined;
      if (p === undefined)
        return chainProblem(0, fromSeq - 1, `seq ${fromSeq - 1}: missing (cannot start the walk after it)`);
      prev = p;
    }
    // The state column is read only for a visitor (replay --verify); resume's tail check skips it.
    const stmt = this.db
      .prepare(
        `SELECT seq, type, data, prev_hash, hash${visit ? ', state' : ''} FROM events WHERE run_id = ? AND seq >= ? ORDER BY seq`,
      )
      .raw();
    const walk = new ChainWalk(runId, fromSeq, prev, visit);
    for (const [seq, type, data, prevHash, hash, state] of stmt.iterate(
      runId,
      fromSeq,
    ) as IterableIterator<Row>) {
      const problem = walk.row(seq, type, data, prevHash, hash, state);
      if (problem) return problem;
    }
    return walk.end(head);
  }
}
