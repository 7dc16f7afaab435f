// The hot path on PostgreSQL: one statement (append_events) per append, so one round trip and one commit. The
// hashes are computed here (store/hash.ts) from the head's hash, which is cached per run. A run's appends go out in
// the order they were called on one pipelined connection (lane.ts), so a caller may send the next before the last
// is back. A lost connection leaves the commit in doubt: the rows at expectedSeq+1… are read back, and the append
// is retried only when they are absent (it is conditional on the expected seq, so a late commit of the first try
// cannot double it).

import type pg from 'pg';
import { EVENT_TYPES, eventData, PhasedError } from '../../machines/index.js';
import type { LeaseToken } from '../api.js';
import { eventHash } from '../hash.js';
import { type NewEvent, RUN_STATUSES, type StoredEvent } from '../types.js';
import { type Db, pause } from './db.js';
import { isConnectionLost, SQLSTATE, serverError, sqlState, unavailable } from './errors.js';
import { Lanes, type Turn } from './lane.js';
import type { PgRuns } from './runs.js';
import { UnitOps } from './unit-ops.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const KNOWN_STATUSES: ReadonlySet<string> = new Set(RUN_STATUSES);
const HEAD_CACHE_MAX = 1000;
/**
 * A driver's routine progress: appends of only these do not NOTIFY (unless the run's status changes). Everything
 * else (commands such as PAUSE_REQUESTED, drivers attaching and leaving, plan changes) wakes the listeners.
 */
const QUIET_TYPES: ReadonlySet<string> = new Set([
  'UNIT_STARTED',
  'UNIT_SUCCEEDED',
  'UNIT_FAILED',
  'BASELINE_RECORDED',
  'PREREQS_PASSED',
  'GATE_PASSED',
]);

// The events go as one JSON array of the stored rows (json_to_recordset reads at, type, data, state, prevHash,
// hash and ignores the rest), the unit operations as another (unit-ops.ts): two parameters instead of twenty arrays.
const APPEND_SQL = `SELECT append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;

export interface PlanChange {
  planJson: string;
  planHash: string;
}

/** An append's rows and the statement that writes them. */
interface Prepared {
  rows: StoredEvent[];
  query: pg.QueryConfig;
}

export class PgAppender {
  /**
   * run → a seq and the hash of the event at it: written, or sent and not yet failed (an append that does not land
   * forgets it), so an append chained right behind another finds its predecessor's last hash.
   */
  private readonly hashes = new Map<string, { seq: number; hash: string }>();
  private readonly lanes: Lanes;

  constructor(
    private readonly db: Db,
    private readonly runs: PgRuns,
  ) {
    this.lanes = new Lanes(db.pool);
  }

  async append(
    runId: string,
    expectedSeq: number,
    events: NewEvent[],
    lease?: LeaseToken,
    plan?: PlanChange,
  ): Promise<StoredEvent[]> {
    // The turn is taken now, so appends to one run go out in the order they were called (see lane.ts).
    const turn = this.lanes.enter(runId);
    let landed = false;
    try {
      const rows = await this.commit(turn, runId, expectedSeq, () =>
        this.prepare(runId, expectedSeq, events, lease, plan),
      );
      landed = true;
      return rows;
    } finally {
      if (!landed) this.forget(runId, expectedSeq);
      turn.settle(landed);
    }
  }

  /**
   * The append's statement. The hash of its last row is remembered before it is sent, so an append sent right
   * behind it (pipelined) chains onto it; forgotten again if it does not land.
   */
  private async prepare(
    runId: string,
    expectedSeq: number,
    events: NewEvent[],
    lease: LeaseToken | undefined,
    plan: PlanChange | undefined,
  ): Promise<Prepared> {
    if (!Number.isInteger(expectedSeq) || expectedSeq < 0) throw await this.conflict(runId, expectedSeq);
    check(runId, events);
    const prev = await this.hashAt(runId, expectedSeq);
    const rows = build(runId, expectedSeq, prev, events);
    const ops = new UnitOps();
    for (const [i, e] of events.entries()) ops.add(rows[i].seq, e.event);
    const unitOps = ops.json();
    const last = rows[rows.length - 1];
    const values = [
      runId,
      expectedSeq,
      prev,
      lease?.owner ?? null,
      lease?.epoch ?? null,
      JSON.stringify(rows),
      rows.length,
      last?.hash ?? null,
      last?.at ?? null,
      last?.state ?? null,
      events[events.length - 1]?.status ?? null,
      unitOps.text,
      unitOps.upsert,
      plan?.planJson ?? null,
      plan?.planHash ?? null,
      events.some((e) => !QUIET_TYPES.has(e.event.type)),
    ];
    if (last) this.remember(runId, last);
    return { rows, query: { name: 'phased_append', text: APPEND_SQL, values } };
  }

  /**
   * Sends the append on its run's lane; resolves a lost connection by reading the seqs back (see the module
   * comment), once the append sent before it on the lane has been resolved. An append sent behind one that did not
   * land cannot have landed (its expected seq and hash are that one's head): it fails with CONFLICT.
   */
  private async commit(
    turn: Turn,
    runId: string,
    expectedSeq: number,
    prepare: () => Promise<Prepared>,
  ): Promise<StoredEvent[]> {
    const deadline = Date.now() + this.db.retryForMs;
    let inDoubt = false;
    // Set once prepared (on its turn, inside the lane's order); the retries resend the same statement.
    const first: { sent?: Prepared } = {};
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt === 0) {
          await turn.send(async () => {
            first.sent = await prepare();
            return first.sent.query;
          });
          return (first.sent as Prepared).rows;
        }
        const sent = first.sent as Prepared;
        if (inDoubt && sent.rows.length > 0) {
          const landed = await this.landed(runId, expectedSeq, sent.rows);
          if (landed === 'ours') return sent.rows;
          if (landed === 'theirs') throw await this.conflict(runId, expectedSeq);
        }
        await this.db.once(sent.query);
        return sent.rows;
      } catch (err) {
        const sent = first.sent;
        // Failed before it was sent (a bad argument, an unknown run, a head already moved): nothing to resolve.
        if (!sent || err instanceof PhasedError) throw err;
        if (!(await turn.predecessor)) throw await this.conflict(runId, expectedSeq);
        if (isConnectionLost(err)) {
          inDoubt = true;
          if (Date.now() >= deadline) throw unavailable(this.db.target, `append to run ${runId}`, err);
          await pause(attempt);
          continue;
        }
        const code = sqlState(err);
        // After a lost connection, CONFLICT may be our own first try having committed late: read back again.
        if (inDoubt && code === SQLSTATE.conflict) continue;
        const values = sent.query.values as unknown[];
        throw await this.translate(err, runId, expectedSeq, values[3] as string | null, values[4]);
      }
    }
  }

  /** Whether the rows after expectedSeq are the ones we sent ('ours'), another writer's, or not there. */
  private async landed(runId: string, expectedSeq: number, rows: StoredEvent[]) {
    const got = await this.db.once<{ seq: number; hash: string; at: string; state: string }>({
      text: 'SELECT seq, hash, at, state FROM events WHERE run_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq',
      values: [runId, expectedSeq, expectedSeq + rows.length],
    });
    if (got.length === 0) return 'absent';
    const same = (g: (typeof got)[number], r: StoredEvent) =>
      g.hash === r.hash && g.at === r.at && g.state === r.state;
    return got.length === rows.length && got.every((g, i) => same(g, rows[i])) ? 'ours' : 'theirs';
  }

  private async translate(
    err: unknown,
    runId: string,
    expectedSeq: number,
    owner: string | null,
    epoch: unknown,
  ) {
    switch (sqlState(err)) {
      case SQLSTATE.runNotFound:
        return this.runs.notFound(runId);
      case SQLSTATE.conflict:
        this.hashes.delete(runId);
        return this.conflict(runId, expectedSeq);
      case SQLSTATE.leaseLost:
        return new PhasedError(
          'LEASE_LOST',
          `run ${runId}: the lease held by ${owner} (epoch ${epoch}) was taken over; this driver must stop (nothing was appended)`,
          { details: { runId, owner, epoch } },
        );
      case SQLSTATE.headMismatch:
        this.hashes.delete(runId);
        return new PhasedError(
          'LOG_TAMPERED',
          `run ${runId}: the event at seq ${expectedSeq} does not carry the hash the run's head records (the log was altered). Run \`phased replay ${runId} --verify\` to locate the damage.`,
          { details: { runId, seq: expectedSeq } },
        );
      case '57014': // statement_timeout (e.g. a lock held too long)
      case '40001':
      case '40P01':
        return new PhasedError(
          'BACKEND',
          `append to run ${runId} did not complete (${(err as Error).message}); nothing was appended: try again`,
          { retryable: true, cause: err, details: { runId, expectedSeq } },
        );
      default:
        return serverError(err, this.db.target);
    }
  }

  /** The hash of the event at `seq` (the new events' prev_hash); '' at 0. */
  private async hashAt(runId: string, seq: number): Promise<string> {
    if (seq === 0) return '';
    const known = this.hashes.get(runId);
    if (known?.seq === seq) return known.hash;
    const rows = await this.db.read<{ hash: string }>({
      name: 'phased_hash_at',
      text: 'SELECT hash FROM events WHERE run_id = $1 AND seq = $2',
      values: [runId, seq],
    });
    if (rows.length === 0) throw await this.conflict(runId, seq);
    return rows[0].hash;
  }

  /** The hash of the event at `seq`, when it is the last one this store appended to the run. */
  knownHash(runId: string, seq: number): string | undefined {
    const known = this.hashes.get(runId);
    return known?.seq === seq ? known.hash : undefined;
  }

  /** Drops the remembered hash at the head an append that did not land would have left. */
  private forget(runId: string, expectedSeq: number): void {
    const known = this.hashes.get(runId);
    if (known && known.seq > expectedSeq) this.hashes.delete(runId);
  }

  private remember(runId: string, e: StoredEvent): void {
    if (this.hashes.size >= HEAD_CACHE_MAX && !this.hashes.has(runId)) this.hashes.clear();
    this.hashes.set(runId, { seq: e.seq, hash: e.hash });
  }

  /** CONFLICT naming the expected and actual head (RUN_NOT_FOUND when the run is not there). */
  private async conflict(runId: string, expectedSeq: number): Promise<PhasedError> {
    const rows = await this.db.read<{ seq: number }>({
      name: 'phased_head_seq',
      text: 'SELECT head_seq AS seq FROM run_heads WHERE run_id = $1',
      values: [runId],
    });
    if (rows.length === 0) return this.runs.notFound(runId);
    const headSeq = rows[0].seq;
    return new PhasedError(
      'CONFLICT',
      `append to run ${runId} expected seq ${expectedSeq}, but the log's head is seq ${headSeq}: rebuild the run from the log and try again`,
      { details: { runId, expectedSeq, headSeq } },
    );
  }
}

function check(runId: string, events: NewEvent[]): void {
  for (const e of events) {
    if (!KNOWN_TYPES.has(e.event.type)) {
      throw new PhasedError(
        'BAD_ARGUMENT',
        `run ${runId}: cannot append unknown event type ${JSON.stringify(e.event.type)}`,
      );
    }
    if (!KNOWN_STATUSES.has(e.status)) {
      throw new PhasedError(
        'BAD_ARGUMENT',
        `run ${runId}: event ${e.event.type} carries unknown run status ${JSON.stringify(e.status)} (expected one of ${RUN_STATUSES.join(', ')})`,
      );
    }
  }
}

/** The rows as they will be stored: seq, JSON text, chained hashes. */
function build(runId: string, expectedSeq: number, prev: string, events: NewEvent[]): StoredEvent[] {
  const out: StoredEvent[] = [];
  let prevHash = prev;
  let stateOf: unknown;
  let stateText = 'null';
  events.forEach((e, i) => {
    const seq = expectedSeq + i + 1;
    const data = JSON.stringify(eventData(e.event));
    // Consecutive events often carry the same state object: stringify it once.
    if (i === 0 || e.state !== stateOf) {
      stateOf = e.state;
      stateText = JSON.stringify(e.state) ?? 'null';
    }
    const type = e.event.type;
    const hash = eventHash(prevHash, runId, seq, type, data);
    out.push({ runId, seq, at: e.at, type, data, state: stateText, prevHash, hash });
    prevHash = hash;
  });
  return out;
}
