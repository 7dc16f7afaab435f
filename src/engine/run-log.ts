// One run's log as a live statechart: rebuild (latest snapshot + tail), then commit events write-ahead.
// Shared by the driver and by control commands from other processes; owns no scheduling.

import type { InspectionEvent } from 'xstate';
import {
  allSteps,
  createRunMachine,
  eventData,
  eventFromRow,
  PhasedError,
  type ResolvedPlan,
  RunCursor,
  type RunEvent,
  type RunMachine,
  type RunSnapshot,
  runStatus,
} from '../../machines/index.js';
import type { EventStore, NewEvent, RunRow, StoredEvent } from '../../store/index.js';
import { planHash } from '../plan/hash.js';
import { type CrashPoint, failpoint } from './failpoints.js';

/** Where the frozen plan disagrees with the log: the governing event's seq (if any) and why. */
export interface FrozenPlanProblem {
  seq?: number;
  reason: string;
}

const short = (h: string) => h.slice(0, 12);

/** Throw LOG_TAMPERED (exit 2) when the frozen plan does not match the log (see frozenPlanProblem). */
export function assertFrozenPlan(store: EventStore, run: RunRow): void {
  const problem = frozenPlanProblem(store, run);
  if (!problem) return;
  throw new PhasedError(
    'LOG_TAMPERED',
    `run ${run.runId}: the frozen plan does not match the log: ${problem.reason}. ` +
      `Nothing was appended. Inspect it with \`phased replay ${run.runId} --verify\`; a run whose plan was altered cannot be resumed.`,
    { details: { runId: run.runId, seq: problem.seq } },
  );
}

/**
 * The frozen plan as evidence: `runs.plan_json` must hash to the plan hash the log recorded last (RUN_CREATED, or
 * the latest PLAN_CHANGE_ACCEPTED's newHash), and so must `runs.plan_hash`. Before the first event, the column
 * is the record (RUN_CREATED copies it). Used by resume (RunLog.open with verify) and by replay --verify.
 */
export function frozenPlanProblem(store: EventStore, run: RunRow): FrozenPlanProblem | undefined {
  let frozen: ResolvedPlan & { overrides?: unknown };
  try {
    frozen = JSON.parse(run.planJson);
  } catch {
    return { reason: "runs.plan_json (the run's frozen plan) is not JSON: it was edited outside phased" };
  }
  const { overrides: _o, ...plan } = frozen;
  let actual: string;
  try {
    actual = planHash(plan as ResolvedPlan);
  } catch (err) {
    return {
      reason: `runs.plan_json (the run's frozen plan) is not a plan phased wrote (${(err as Error).message}): it was edited outside phased`,
    };
  }
  const ev = store.planEvent(run.runId);
  if (ev && !ev.hashOk) {
    return { seq: ev.seq, reason: `seq ${ev.seq} (${ev.type}): hash mismatch (data or type changed)` };
  }
  let recorded = run.planHash;
  let where = 'runs.plan_hash (no event has recorded the plan yet)';
  if (ev) {
    const data = JSON.parse(ev.data) as { planHash?: string; newHash?: string };
    recorded = (ev.type === 'RUN_CREATED' ? data.planHash : data.newHash) ?? '';
    where = `seq ${ev.seq} (${ev.type})`;
  }
  if (actual !== recorded) {
    return {
      seq: ev?.seq,
      reason:
        `runs.plan_json (the run's frozen plan) hashes to ${short(actual)}…, but ${where} records plan ${short(recorded)}…: ` +
        'the frozen plan (its SQL or settings) was edited outside phased',
    };
  }
  if (run.planHash !== recorded) {
    return {
      seq: ev?.seq,
      reason: `runs.plan_hash is ${short(run.planHash)}…, but ${where} records plan ${short(recorded)}…: it was edited outside phased`,
    };
  }
  return undefined;
}

export interface OpenOptions {
  /** Check the hash chain from the latest snapshot to the head (resume does; read-only views may skip it). */
  verify?: boolean;
  /** Rebuild as of this seq instead of the head (audit: replay --at). */
  atSeq?: number;
  /** Observe the live actor (the Stately inspector bridge). */
  inspect?: (e: InspectionEvent) => void;
}

export class RunLog {
  readonly plan: ResolvedPlan;
  readonly machine: RunMachine;
  private cursor: RunCursor;
  private seqNow: number;
  /** The state column of the latest event, once known (computed on demand after a rebuild). */
  private stateNow: string | undefined;
  /**
   * Events decided from each of this process's own events as it is applied (adaptive concurrency,
   * notifications), appended in the same transaction: a decision is never durable without its cause, or lost.
   */
  followUps?: (event: RunEvent, snap: RunSnapshot, seq: number) => RunEvent[];
  /** Called with every event the log gains (own and other processes'), after it is durable. */
  onEvent?: (stored: StoredEvent, event: RunEvent, snap: RunSnapshot) => void;

  private constructor(
    readonly store: EventStore,
    readonly run: RunRow,
    plan: ResolvedPlan,
    cursor: RunCursor,
    machine: RunMachine,
    seq: number,
  ) {
    this.plan = plan;
    this.machine = machine;
    this.cursor = cursor;
    this.seqNow = seq;
  }

  static open(store: EventStore, runId: string, opts: OpenOptions = {}): RunLog {
    const run = store.requireRun(runId);
    // The frozen plan is checked before it is parsed for the machine (an edited one may not even be JSON).
    const snap = store.latestSnapshot(runId, opts.atSeq);
    if (opts.verify) {
      const report = store.verifyChain(runId, { fromSeq: snap ? snap.seq : 1 });
      if (!report.ok) {
        throw new PhasedError(
          'LOG_TAMPERED',
          `run ${runId}: the event log does not verify at seq ${report.firstBadSeq} (${report.reason}). ` +
            `Nothing was appended. Inspect it with \`phased replay ${runId} --verify\`; a tampered log cannot be resumed.`,
          { details: { runId, seq: report.firstBadSeq } },
        );
      }
      assertFrozenPlan(store, run);
    }
    const plan = JSON.parse(run.planJson) as ResolvedPlan;
    const machine = createRunMachine(plan);
    const cursor = new RunCursor(machine, snap ? (snap.snapshot as never) : undefined, {
      inspect: opts.inspect,
    });
    let seq = snap ? snap.seq : 0;
    let lastState: string | undefined;
    for (const e of store.events(runId, { fromSeq: seq + 1, toSeq: opts.atSeq })) {
      cursor.apply(eventFromRow(e.type, e.data));
      seq = e.seq;
      lastState = e.state;
    }
    const log = new RunLog(store, run, plan, cursor, machine, seq);
    if (opts.verify && lastState !== undefined && JSON.stringify(cursor.snapshot.value) !== lastState) {
      throw new PhasedError(
        'LOG_TAMPERED',
        `run ${runId}: replaying the log gives state ${JSON.stringify(cursor.snapshot.value)} at seq ${seq}, but the log recorded ${lastState}. ` +
          `The log or the machine version (${run.machineVersion}) differs; run \`phased replay ${runId} --verify\`.`,
        { details: { runId, seq } },
      );
    }
    return log;
  }

  /** RUN_CREATED when the log has no event yet (whoever writes first adds it), else nothing. */
  createdEvents(): RunEvent[] {
    if (this.seqNow > 0) return [];
    const refill = allSteps(this.plan).every((s) => s.refill === 'all') ? 'all' : 'missing';
    return [
      {
        type: 'RUN_CREATED',
        runId: this.runId,
        planName: this.plan.name,
        planHash: this.run.planHash,
        range: this.plan.range,
        machineVersion: this.run.machineVersion,
        refill,
      },
    ];
  }

  get runId(): string {
    return this.run.runId;
  }
  get seq(): number {
    return this.seqNow;
  }
  get snapshot(): RunSnapshot {
    return this.cursor.snapshot;
  }
  /** The run's state value as JSON, as the latest event recorded it. */
  get stateText(): string {
    this.stateNow ??= JSON.stringify(this.cursor.snapshot.value);
    return this.stateNow;
  }

  /**
   * Append events in one transaction. Events other processes appended meanwhile are applied first;
   * `decide` then sees the up-to-date snapshot and returns what to append (it may return none).
   */
  commitWith(decide: (snap: RunSnapshot) => RunEvent[], crash?: CrashPoint): StoredEvent[] {
    const applied: { event: RunEvent; snap: RunSnapshot }[] = [];
    const stored = this.store.append(this.runId, this.seqNow, (external) => {
      for (const e of external) {
        const event = eventFromRow(e.type, e.data);
        applied.push({ event, snap: this.cursor.apply(event) });
      }
      const at = new Date().toISOString();
      const out: NewEvent[] = [];
      const queue = decide(this.cursor.snapshot);
      for (let i = 0; i < queue.length; i++) {
        const event = queue[i];
        const snap = this.cursor.apply(event);
        applied.push({ event, snap });
        out.push({
          type: event.type,
          data: eventData(event),
          at,
          state: snap.value,
          status: runStatus(snap),
        });
        // Right after their cause: the next event is decided on a state that includes them. The cause's seq
        // follows our head and the events other processes appended meanwhile.
        const seq = this.seqNow + external.length + out.length;
        if (this.followUps) queue.splice(i + 1, 0, ...this.followUps(event, snap, seq));
      }
      return out;
    });
    if (stored.length === 0) return stored;
    this.seqNow = stored[stored.length - 1].seq;
    this.stateNow = stored[stored.length - 1].state;
    this.maybeSnapshot(stored);
    if (crash) failpoint(crash);
    const on = this.onEvent;
    if (on) for (const [i, s] of stored.entries()) on(s, applied[i].event, applied[i].snap);
    return stored;
  }

  commit(events: RunEvent[], crash?: CrashPoint): StoredEvent[] {
    return this.commitWith(() => events, crash);
  }

  /** Apply events other processes appended since our head (no write lock needed). Returns how many. */
  sync(): number {
    // Collect first: handlers may write, and an open read statement blocks writes on this connection.
    const tail = [...this.store.events(this.runId, { fromSeq: this.seqNow + 1 })];
    let n = 0;
    for (const e of tail) {
      const event = eventFromRow(e.type, e.data);
      const snap = this.cursor.apply(event);
      this.seqNow = e.seq;
      this.stateNow = e.state;
      n++;
      this.onEvent?.(e, event, snap);
    }
    return n;
  }

  private maybeSnapshot(stored: StoredEvent[]): void {
    const every = this.store.snapshotEvery;
    const first = stored[0].seq;
    const last = stored[stored.length - 1].seq;
    if (Math.floor(last / every) === Math.floor((first - 1) / every)) return;
    this.store.saveSnapshot(this.runId, last, this.cursor.persisted(), {
      beforeCommit: () => failpoint('during-snapshot'),
    });
  }
}
