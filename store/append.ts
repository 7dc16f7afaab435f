// The hot path: one IMMEDIATE transaction that checks the expected head (and the lease token, when given),
// inserts the events (seq, hash chain), folds the inline projections and moves the run's head. All or nothing.
// It never calls back into the engine: deciding what to append happens before, on the caller's side.

import type Database from 'better-sqlite3';
import { EVENT_TYPES, eventData, PhasedError } from '../machines/index.js';
import type { LeaseToken } from './api.js';
import { eventHash } from './hash.js';
import { applyInline, type InlineProjection } from './inline.js';
import type { Runs } from './runs.js';
import { type NewEvent, RUN_STATUSES, type StoredEvent } from './types.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const KNOWN_STATUSES: ReadonlySet<string> = new Set(RUN_STATUSES);

export class Appender {
  private readonly headStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly runStmt: Database.Statement;
  private readonly headUpdateStmt: Database.Statement;
  private readonly leaseStmt: Database.Statement;
  private readonly tx: Database.Transaction<
    (runId: string, expectedSeq: number, events: NewEvent[], lease?: LeaseToken) => StoredEvent[]
  >;

  constructor(
    db: Database.Database,
    private readonly runs: Runs,
    private readonly projections: readonly InlineProjection[],
  ) {
    this.headStmt = db.prepare(
      'SELECT head_seq AS seq, head_hash AS hash, status, state_json AS state FROM run_heads WHERE run_id = ?',
    );
    this.insertStmt = db.prepare(
      'INSERT INTO events (run_id, seq, at, type, data, state, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.headUpdateStmt = db.prepare(
      'UPDATE run_heads SET status = ?, state_json = ?, head_seq = ?, head_hash = ?, updated_at = ? WHERE run_id = ?',
    );
    this.runStmt = db.prepare('UPDATE runs SET status = ?, state_json = ? WHERE run_id = ?');
    this.leaseStmt = db.prepare('SELECT owner, lease_epoch AS epoch FROM runs WHERE run_id = ?');
    this.tx = db.transaction((runId, expectedSeq, events, lease) =>
      this.inTransaction(runId, expectedSeq, events, lease),
    );
  }

  /** All of `events` after `expectedSeq`, or none: CONFLICT when the head moved, LEASE_LOST when `lease` lapsed. */
  append(runId: string, expectedSeq: number, events: NewEvent[], lease?: LeaseToken): StoredEvent[] {
    return this.tx.immediate(runId, expectedSeq, events, lease);
  }

  private checkLease(runId: string, lease: LeaseToken): void {
    const row = this.leaseStmt.get(runId) as { owner: string | null; epoch: number } | undefined;
    if (!row) throw this.runs.notFound(runId);
    if (row.owner === lease.owner && row.epoch === lease.epoch) return;
    throw new PhasedError(
      'LEASE_LOST',
      `run ${runId}: this driver (${lease.owner}, lease epoch ${lease.epoch}) no longer holds the lease; ` +
        `${row.owner ?? 'nobody'} holds it at epoch ${row.epoch}. Nothing was appended; stopping.`,
      {
        details: { runId, owner: lease.owner, epoch: lease.epoch, holder: row.owner, holderEpoch: row.epoch },
      },
    );
  }

  private inTransaction(
    runId: string,
    expectedSeq: number,
    events: NewEvent[],
    lease: LeaseToken | undefined,
  ): StoredEvent[] {
    if (lease) this.checkLease(runId, lease);
    const head = this.headStmt.get(runId) as
      | { seq: number; hash: string; status: string; state: string | null }
      | undefined;
    if (!head) throw this.runs.notFound(runId);
    if (expectedSeq !== head.seq) throw conflict(runId, expectedSeq, head.seq);
    const out: StoredEvent[] = [];
    let seq = head.seq;
    let prevHash = head.hash;
    let last: { state: string; status: string; at: string } | undefined;
    // Consecutive events often carry the same state object: stringify it once.
    let stateOf: unknown;
    let stateText = 'null';
    for (const e of events) {
      const { event } = e;
      if (!KNOWN_TYPES.has(event?.type)) {
        throw new PhasedError(
          'BAD_ARGUMENT',
          `run ${runId}: cannot append unknown event type ${JSON.stringify(event?.type)}`,
        );
      }
      if (!KNOWN_STATUSES.has(e.status)) {
        throw new PhasedError(
          'BAD_ARGUMENT',
          `run ${runId}: event ${event.type} carries unknown run status ${JSON.stringify(e.status)} (expected one of ${RUN_STATUSES.join(', ')})`,
        );
      }
      seq++;
      const data = JSON.stringify(eventData(event));
      if (e.state !== stateOf || seq === head.seq + 1) {
        stateOf = e.state;
        stateText = JSON.stringify(e.state) ?? 'null';
      }
      const state = stateText;
      const hash = eventHash(prevHash, runId, seq, event.type, data);
      this.insertStmt.run(runId, seq, e.at, event.type, data, state, prevHash, hash);
      applyInline(this.projections, { runId, seq }, event);
      out.push({ runId, seq, at: e.at, type: event.type, data, state, prevHash, hash });
      prevHash = hash;
      last = { state, status: e.status, at: e.at };
    }
    if (last) {
      this.headUpdateStmt.run(last.status, last.state, seq, prevHash, last.at, runId);
      // The runs row (with its frozen plan) is rewritten only when its status or state changes.
      if (last.status !== head.status || last.state !== head.state)
        this.runStmt.run(last.status, last.state, runId);
    }
    return out;
  }
}

function conflict(runId: string, expectedSeq: number, headSeq: number): PhasedError {
  return new PhasedError(
    'CONFLICT',
    `append to run ${runId} expected seq ${expectedSeq}, but the log's head is seq ${headSeq}: fold the new events and decide again`,
    { details: { runId, expectedSeq, headSeq } },
  );
}
