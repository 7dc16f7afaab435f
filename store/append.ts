// The hot path: one IMMEDIATE transaction that picks up other writers' events, lets the caller
// decide what to add, then inserts them (seq, hash chain), folds the units projection and moves the run's head.

import type Database from 'better-sqlite3';
import { EVENT_TYPES, PhasedError } from '../machines/index.js';
import type { LeaseToken } from './api.js';
import { eventHash } from './hash.js';
import type { UnitsProjection } from './projection.js';
import type { Reader } from './read.js';
import type { Runs } from './runs.js';
import { type NewEvent, RUN_STATUSES, type StoredEvent } from './types.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const KNOWN_STATUSES: ReadonlySet<string> = new Set(RUN_STATUSES);

export type BuildEvents = (external: StoredEvent[]) => NewEvent[];

export class Appender {
  private readonly headStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly runStmt: Database.Statement;
  private readonly headUpdateStmt: Database.Statement;
  private readonly tx: Database.Transaction<
    (runId: string, expectedSeq: number, build: BuildEvents) => StoredEvent[]
  >;
  private readonly leaseStmt: Database.Statement;
  private readonly expectedTx: Database.Transaction<
    (runId: string, expectedSeq: number, events: NewEvent[], lease?: LeaseToken) => StoredEvent[]
  >;

  constructor(
    db: Database.Database,
    private readonly runs: Runs,
    private readonly reader: Reader,
    private readonly projection: UnitsProjection,
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
    this.tx = db.transaction((runId, expectedSeq, build) => this.inTransaction(runId, expectedSeq, build));
    this.leaseStmt = db.prepare('SELECT owner, lease_epoch AS epoch FROM runs WHERE run_id = ?');
    this.expectedTx = db.transaction((runId, expectedSeq, events, lease) => {
      if (lease) this.checkLease(runId, lease);
      return this.inTransaction(runId, expectedSeq, (external) => {
        if (external.length > 0) throw conflict(runId, expectedSeq, external[external.length - 1].seq);
        return events;
      });
    });
  }

  /** All of `events` after `expectedSeq`, or none: CONFLICT when the head moved, LEASE_LOST when `lease` lapsed. */
  appendExpected(runId: string, expectedSeq: number, events: NewEvent[], lease?: LeaseToken): StoredEvent[] {
    return this.expectedTx.immediate(runId, expectedSeq, events, lease);
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

  append(runId: string, expectedSeq: number, build: BuildEvents): StoredEvent[] {
    return this.tx.immediate(runId, expectedSeq, build);
  }

  private inTransaction(runId: string, expectedSeq: number, build: BuildEvents): StoredEvent[] {
    const head = this.headStmt.get(runId) as
      | { seq: number; hash: string; status: string; state: string | null }
      | undefined;
    if (!head) throw this.runs.notFound(runId);
    if (!Number.isInteger(expectedSeq) || expectedSeq < 0 || expectedSeq > head.seq) {
      throw conflict(runId, expectedSeq, head.seq);
    }
    const external = head.seq > expectedSeq ? this.reader.range(runId, expectedSeq + 1, head.seq) : [];
    const fresh = build(external);
    if (fresh.length === 0) return external;
    const out = external.slice();
    let seq = head.seq;
    let prevHash = head.hash;
    let last: { state: string; status: string; at: string } | undefined;
    // Consecutive events often carry the same state object: stringify it once.
    let stateOf: unknown;
    let stateText = 'null';
    for (const e of fresh) {
      if (!KNOWN_TYPES.has(e.type)) {
        throw new PhasedError(
          'BAD_ARGUMENT',
          `run ${runId}: cannot append unknown event type ${JSON.stringify(e.type)}`,
        );
      }
      if (!KNOWN_STATUSES.has(e.status)) {
        throw new PhasedError(
          'BAD_ARGUMENT',
          `run ${runId}: event ${e.type} carries unknown run status ${JSON.stringify(e.status)} (expected one of ${RUN_STATUSES.join(', ')})`,
        );
      }
      seq++;
      const data = JSON.stringify(e.data);
      if (e.state !== stateOf || seq === head.seq + 1) {
        stateOf = e.state;
        stateText = JSON.stringify(e.state) ?? 'null';
      }
      const state = stateText;
      const hash = eventHash(prevHash, runId, seq, e.type, data);
      this.insertStmt.run(runId, seq, e.at, e.type, data, state, prevHash, hash);
      this.projection.apply(runId, seq, e.type, e.data);
      out.push({ runId, seq, at: e.at, type: e.type, data, state, prevHash, hash });
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
    `append to run ${runId} expected seq ${expectedSeq}, but the log's head is seq ${headSeq}: rebuild the run from the log and try again`,
    { details: { runId, expectedSeq, headSeq } },
  );
}
