// Walks a run's hash chain on PostgreSQL in one REPEATABLE READ snapshot (head and rows from the same state),
// a page at a time; finds the event that fixed the run's plan. The checks are store/verify.ts's, in the same
// order and words, so both backends report the same damage the same way.

import { PhasedError } from '../../machines/index.js';
import type { ChainWalkOptions, VisitStoredEvent } from '../api.js';
import { ChainWalk, chainProblem } from '../chain-walk.js';
import { eventHash } from '../hash.js';
import type { ChainReport, PlanEventRow } from '../types.js';
import type { Db } from './db.js';
import { isConnectionLost } from './errors.js';
import type { PgRuns } from './runs.js';

const PAGE = 2000;
type Row = { seq: number; type: string; data: string; prev_hash: string; hash: string; state?: string };

export class PgVerifier {
  constructor(
    private readonly db: Db,
    private readonly runs: PgRuns,
  ) {}

  async planEvent(runId: string): Promise<PlanEventRow | undefined> {
    const rows = await this.db.read<Row & { type: PlanEventRow['type'] }>({
      text: `SELECT seq, type, data, prev_hash, hash FROM events
             WHERE run_id = $1 AND type IN ('RUN_CREATED', 'PLAN_CHANGE_ACCEPTED') ORDER BY seq DESC LIMIT 1`,
      values: [runId],
    });
    const r = rows[0];
    if (!r) return undefined;
    return {
      seq: r.seq,
      type: r.type,
      data: r.data,
      hashOk: eventHash(r.prev_hash, runId, r.seq, r.type, r.data) === r.hash,
    };
  }

  async verify(runId: string, opts: ChainWalkOptions = {}): Promise<ChainReport> {
    const fromSeq = opts.fromSeq ?? 1;
    if (!Number.isInteger(fromSeq) || fromSeq < 1) {
      throw new PhasedError('BAD_ARGUMENT', `verifyChain fromSeq must be an integer ≥ 1, got ${fromSeq}`);
    }
    // A lost connection restarts the walk, unless a visitor has already seen events (it must not see them twice).
    let visited = false;
    const visit: VisitStoredEvent | undefined = opts.visit
      ? (...a) => {
          visited = true;
          return opts.visit?.(...a);
        }
      : undefined;
    const deadline = Date.now() + this.db.retryForMs;
    for (;;) {
      try {
        return await this.db.tx(
          (c) => this.walk(c, runId, fromSeq, visit),
          'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
        );
      } catch (err) {
        if (!isConnectionLost(err) || visited || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async walk(
    c: { query: (text: string, values: unknown[]) => Promise<{ rows: unknown[] }> },
    runId: string,
    fromSeq: number,
    visit?: VisitStoredEvent,
  ): Promise<ChainReport> {
    const heads = (
      await c.query('SELECT head_seq AS seq, head_hash AS hash FROM run_heads WHERE run_id = $1', [runId])
    ).rows as { seq: number; hash: string }[];
    const head = heads[0];
    if (!head) throw await this.runs.notFound(runId);
    let prev = '';
    if (fromSeq > 1) {
      const p = (
        await c.query('SELECT hash FROM events WHERE run_id = $1 AND seq = $2', [runId, fromSeq - 1])
      ).rows as { hash: string }[];
      if (p.length === 0)
        return chainProblem(0, fromSeq - 1, `seq ${fromSeq - 1}: missing (cannot start the walk after it)`);
      prev = p[0].hash;
    }
    const cols = `seq, type, data, prev_hash, hash${visit ? ', state' : ''}`;
    const walk = new ChainWalk(runId, fromSeq, prev, visit);
    for (;;) {
      const rows = (
        await c.query(
          `SELECT ${cols} FROM events WHERE run_id = $1 AND seq >= $2 ORDER BY seq LIMIT ${PAGE}`,
          [runId, walk.next],
        )
      ).rows as Row[];
      for (const { seq, type, data, prev_hash: prevHash, hash, state } of rows) {
        const problem = walk.row(seq, type, data, prevHash, hash, state ?? '');
        if (problem) return problem;
      }
      if (rows.length < PAGE) break;
    }
    return walk.end(head);
  }
}
