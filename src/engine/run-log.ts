// One run's log as a live statechart: rebuilt through rebuildRun, then kept current by committing decisions
// with an expected seq (decide → append → evolve; on CONFLICT fold the new events and decide again). Where the
// store pipelines (pipelineDepth 2), the next decision is taken and sent while the last append is on the server;
// results are handled in the order sent, and a failure sends the commits behind it round again after a refold.
// Shared by the driver and by control commands from other processes; owns no scheduling.

import type { InspectionEvent } from 'xstate';
import {
  createdEvents,
  eventFromRow,
  PhasedError,
  type ResolvedPlan,
  type RunCursor,
  type RunEvent,
  type RunMachine,
  type RunSnapshot,
  runStatus,
} from '../../machines/index.js';
import type { EventStore, LeaseToken, NewEvent, RunRow, StoredEvent } from '../../store/index.js';
import { armedFor, type CrashPoint, failpoint } from './failpoints.js';
import { assertRebuilt, type RebuiltRun, rebuildRun } from './rebuild.js';
import { runState } from './run-state.js';
import { SnapshotSaver } from './snapshot-saver.js';

export interface OpenOptions {
  /** Check the hash chain from the latest snapshot to the head and the frozen plan (resume does). */
  verify?: boolean;
  /** Rebuild as of this seq instead of the head (audit: replay --at). */
  atSeq?: number;
  /** Observe the live actor (the Stately inspector bridge). */
  inspect?: (e: InspectionEvent) => void;
}

/** What a decision sees: the run's snapshot with every event up to the head folded in. */
export type Decide = (snap: RunSnapshot) => RunEvent[] | Promise<RunEvent[]>;

export interface CommitOptions {
  /** Named crash point passed once the events are durable, before anyone is told of them. */
  crash?: CrashPoint;
  /** The driver's lease: the append fails with LEASE_LOST once it no longer holds the run. */
  lease?: LeaseToken;
  /** Told of each CONFLICT before the new events are folded and `decide` runs again. */
  onConflict?: (err: PhasedError) => void;
  /** Append some other way than store.append (a plan change replaces the frozen plan in the same transaction). */
  via?: (expectedSeq: number, events: NewEvent[]) => Promise<StoredEvent[]>;
  /**
   * The decision reads nothing but the snapshot it is given (or is fixed), so it may be taken and sent while
   * earlier appends are still in flight, where the store pipelines. Without it, a commit waits until every earlier
   * one is durable: a decision that reads the store (the units projection) sees the log as it stands.
   */
  pipeline?: boolean;
  /**
   * This RunLog's last commit (a driver's DRIVER_DETACHED): once it is decided, every commit after it fails with
   * LEASE_LOST and appends nothing, so no result of a unit that outlived the detach follows it in the log.
   */
  last?: boolean;
}

/** Rounds of fold-and-decide-again before a commit gives up with CONFLICT (each round means another writer won). */
const MAX_ROUNDS = 20;

/** A commit: the caller's decision, how many rounds it has taken, and how its caller is told. */
interface Job {
  decide: Decide;
  opts: CommitOptions;
  round: number;
  resolve: (stored: StoredEvent[]) => void;
  reject: (err: unknown) => void;
}

/** One round of a job: what it appended after `expected`, sent and not yet handled. */
interface Attempt {
  job: Job;
  expected: number;
  /** The events decided, follow-ups included, and the snapshot after each. */
  events: RunEvent[];
  snaps: RunSnapshot[];
  /** The machine as of the last event, when the events pass a multiple of the snapshot interval. */
  snapshot?: unknown;
  appended: Promise<StoredEvent[]>;
  /** Settles once the attempt is handled; attempts are handled in the order they were sent. */
  handled?: Promise<void>;
}

const isConflict = (err: unknown): err is PhasedError =>
  err instanceof PhasedError && err.code === 'CONFLICT';

export class RunLog {
  readonly plan: ResolvedPlan;
  readonly machine: RunMachine;
  private cursor: RunCursor;
  /** The durable head: the seq of the last event known to be in the log. */
  private seqNow: number;
  /** The head as decided: the durable head plus the events of the appends in flight. */
  private aheadSeq: number;
  /** The state column of the latest durable event, once known (computed on demand after a rebuild). */
  private stateNow: string | undefined;
  private busy: Promise<void> = Promise.resolve();
  /** Appends sent and not yet handled, oldest first; at most the store's pipelineDepth. */
  private readonly inflight: Attempt[] = [];
  /** Jobs whose append failed, in the order sent, waiting for recover(). */
  private readonly failed: { job: Job; err: unknown }[] = [];
  /** The cursor moved through events that will never be appended (a decision's events failed to apply). */
  private stale = false;
  /** The commit decided with `last`, and the seq of its first event: nothing else is appended from then on. */
  private closedBy: { job: Job; at: number } | undefined;
  private readonly snapshots: SnapshotSaver;
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
    r: RebuiltRun,
    private readonly inspect: OpenOptions['inspect'],
  ) {
    this.plan = r.plan;
    this.machine = r.machine;
    this.cursor = r.cursor;
    this.seqNow = r.seq;
    this.aheadSeq = r.seq;
    this.stateNow = r.stateText;
    this.snapshots = new SnapshotSaver(store, r.run.runId);
  }

  static async open(store: EventStore, runId: string, opts: OpenOptions = {}): Promise<RunLog> {
    const r = await rebuildRun(store, runId, {
      atSeq: opts.atSeq,
      verify: opts.verify,
      inspect: opts.inspect,
    });
    const rebuilt = assertRebuilt(runId, r, r.run.machineVersion);
    return new RunLog(store, r.run, rebuilt, opts.inspect);
  }

  /** RUN_CREATED when the log has no event yet (whoever writes first adds it), else nothing. */
  createdEvents(): RunEvent[] {
    return createdEvents(runState(this));
  }

  get runId(): string {
    return this.run.runId;
  }
  /** The durable head's seq. */
  get seq(): number {
    return this.seqNow;
  }
  /** The machine as decided: every durable event folded in, and the events of the appends in flight. */
  get snapshot(): RunSnapshot {
    return this.cursor.snapshot;
  }
  /** The run's state value as JSON, as the latest durable event recorded it. */
  get stateText(): string {
    this.stateNow ??= JSON.stringify(this.cursor.snapshot.value);
    return this.stateNow;
  }

  /** Told when a snapshot could not be saved (the run goes on; its next rebuild folds more events). */
  set onSnapshotError(f: ((seq: number, err: unknown) => void) | undefined) {
    this.snapshots.onError = f;
  }

  /**
   * Decide on the current snapshot, append with our head as the expected seq, then evolve. When another writer
   * appended first (CONFLICT), its events are folded in and `decide` runs again on the new snapshot. `decide` may
   * return no event (nothing is appended) or throw (nothing is appended). Resolves once the events are durable;
   * where the store pipelines, the next commit is decided and sent before that.
   */
  commitWith(decide: Decide, opts: CommitOptions = {}): Promise<StoredEvent[]> {
    return new Promise((resolve, reject) => {
      const job: Job = { decide, opts, round: 1, resolve, reject };
      void this.exclusive(() => this.dispatch(job));
    });
  }

  commit(events: RunEvent[], opts?: CommitOptions): Promise<StoredEvent[]> {
    return this.commitWith(() => events, opts);
  }

  /** Fold the events other processes appended since our head (once our own in flight are handled). Returns how many. */
  sync(): Promise<number> {
    return this.exclusive(async () => {
      await this.recover();
      return this.foldTail();
    });
  }

  /** One decision at a time: each is taken on the head the previous one left (durable or in flight). */
  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.busy.then(f);
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Sends `job` once the pipeline has room and no failure is waiting to be recovered. */
  private async dispatch(job: Job): Promise<void> {
    try {
      const depth = job.opts.pipeline ? this.store.pipelineDepth : 1;
      while (this.inflight.length >= depth) await this.inflight[0].handled;
      if (this.failed.length > 0 || this.stale) await this.recover();
      const a = await this.start(job);
      if (!a) return;
      // The crash window pipelining opens: this batch on the wire, the one before it not yet known durable.
      if (this.inflight.length > 0 && armedFor('after-pipelined-send')) {
        // A turn later: the lane has written the statement to the socket by then.
        setImmediate(() => failpoint('after-pipelined-send'));
      }
      // Handled after the one sent before it (an attempt leaves `inflight` once handled).
      const previous = this.inflight[this.inflight.length - 1]?.handled ?? Promise.resolve();
      this.inflight.push(a);
      a.handled = previous.then(() =>
        a.appended.then(
          (stored) => {
            this.inflight.shift();
            this.landed(a, stored);
          },
          (err: unknown) => {
            this.inflight.shift();
            this.failed.push({ job, err });
            // recover() settles every job it takes and does not throw.
            if (this.failed.length === 1) void this.exclusive(() => this.recover());
          },
        ),
      );
    } catch (err) {
      job.reject(err);
    }
  }

  /**
   * Decides on the cursor, moves the cursor through the decided events (with their follow-ups) and sends them
   * after the decided head. Undefined when `decide` returns no event (the job is done), or when the log took its
   * last commit already (the job fails with LEASE_LOST).
   */
  private async start(job: Job): Promise<Attempt | undefined> {
    if (this.closedBy && this.closedBy.job !== job) {
      job.reject(this.closed(this.closedBy.at));
      return undefined;
    }
    let decided = job.decide(this.cursor.snapshot);
    if (decided instanceof Promise) decided = await decided;
    if (decided.length === 0) {
      job.resolve([]);
      return undefined;
    }
    const expected = this.aheadSeq;
    if (job.opts.last) this.closedBy = { job, at: expected + 1 };
    const at = new Date().toISOString();
    const snaps: RunSnapshot[] = [];
    const out: NewEvent[] = [];
    const events = [...decided];
    try {
      for (let i = 0; i < events.length; i++) {
        const event = events[i];
        const snap = this.cursor.apply(event);
        snaps.push(snap);
        out.push({ event, at, state: snap.value, status: runStatus(snap) });
        // Right after their cause: the next event is decided on a state that includes them.
        const seq = expected + out.length;
        if (this.followUps) events.splice(i + 1, 0, ...this.followUps(event, snap, seq));
      }
    } catch (err) {
      // Nothing is sent; the cursor is rebuilt before the next decision, once nothing is in flight.
      this.stale = true;
      throw err;
    }
    const last = expected + out.length;
    const every = this.store.snapshotEvery;
    const snapshot =
      Math.floor(last / every) !== Math.floor(expected / every) ? this.cursor.persisted() : undefined;
    const { via, lease } = job.opts;
    const appended = via
      ? via(expected, out)
      : lease === undefined
        ? this.store.append(this.runId, expected, out)
        : this.store.append(this.runId, expected, out, lease);
    // Handled in turn (dispatch); a failure that arrives before its turn is not an unhandled rejection meanwhile.
    appended.catch(() => undefined);
    this.aheadSeq = last;
    return { job, expected, events, snaps, snapshot, appended };
  }

  /** An attempt's events are durable: move the head, save a due snapshot, tell the listeners and the caller. */
  private landed(a: Attempt, stored: StoredEvent[]): void {
    const last = stored[stored.length - 1];
    this.seqNow = last.seq;
    this.stateNow = last.state;
    if (a.snapshot !== undefined) this.snapshots.save(last.seq, a.snapshot);
    try {
      if (a.job.opts.crash) failpoint(a.job.opts.crash);
      const on = this.onEvent;
      if (on) for (let i = 0; i < stored.length; i++) on(stored[i], a.events[i], a.snaps[i]);
      a.job.resolve(stored);
    } catch (err) {
      a.job.reject(err);
    }
  }

  /**
   * Waits until nothing is in flight. After failed appends (or a decision that failed to apply) the cursor ran
   * ahead with events that were not appended: it is rebuilt at the durable head and the log's tail folded in. The
   * first failure is the cause; the appends sent behind it failed because it did. On CONFLICT they all go round
   * again, alone and in order; any other error is every one's error.
   */
  private async recover(): Promise<void> {
    while (this.inflight.length > 0) await this.inflight[this.inflight.length - 1].handled;
    const failed = this.failed.splice(0);
    if (failed.length === 0 && !this.stale) return;
    const refolded = await this.refold(this.seqNow).then(
      () => true,
      () => false,
    );
    const first = failed[0];
    if (!first) return;
    if (!refolded || !isConflict(first.err) || first.job.round >= MAX_ROUNDS) {
      for (const f of failed) f.job.reject(first.err);
      return;
    }
    try {
      first.job.opts.onConflict?.(first.err);
      first.job.round++;
      for (let i = 0; i < failed.length; i++) {
        const err = await this.runAlone(failed[i].job);
        if (err === undefined) continue;
        for (const f of failed.slice(i + 1)) f.job.reject(err);
        return;
      }
    } catch (err) {
      // A caller's onConflict threw: its commit fails with that, and so do those behind it (settled ones stay).
      for (const f of failed) f.job.reject(err);
    }
  }

  /** The job, with nothing else in flight, until it lands or fails other than by CONFLICT; returns that error. */
  private async runAlone(job: Job): Promise<unknown> {
    for (;;) {
      let a: Attempt | undefined;
      try {
        a = await this.start(job);
        if (!a) return undefined;
        const stored = await a.appended;
        this.landed(a, stored);
        return undefined;
      } catch (err) {
        if (a || this.stale) await this.refold(a?.expected ?? this.seqNow).catch(() => undefined);
        if (!isConflict(err) || job.round >= MAX_ROUNDS) {
          job.reject(err);
          return err;
        }
        job.opts.onConflict?.(err);
        job.round++;
      }
    }
  }

  private async foldTail(): Promise<number> {
    let n = 0;
    for await (const e of this.store.events(this.runId, { fromSeq: this.seqNow + 1 })) {
      const event = eventFromRow(e.type, e.data);
      const snap = this.cursor.apply(event);
      this.seqNow = e.seq;
      this.aheadSeq = e.seq;
      this.stateNow = e.state;
      n++;
      this.onEvent?.(e, event, snap);
    }
    return n;
  }

  /**
   * Put the cursor back at `seq` (it ran ahead with events that were not appended), then fold the tail. The
   * events up to `seq` were told already; the tail's are told as sync() tells them.
   */
  private async refold(seq: number): Promise<void> {
    const r = await rebuildRun(this.store, this.runId, { atSeq: seq, inspect: this.inspect });
    if (!r.cursor) throw new PhasedError('INTERNAL', `run ${this.runId}: cannot rebuild at seq ${seq}`);
    this.cursor.stop();
    this.cursor = r.cursor;
    this.stale = false;
    this.seqNow = seq;
    this.aheadSeq = seq;
    this.stateNow = undefined;
    await this.foldTail();
  }

  private closed(at: number): PhasedError {
    return new PhasedError(
      'LEASE_LOST',
      `run ${this.runId}: this driver's last event is seq ${at}; nothing more is appended from it (a resume looks up or re-runs what was still in flight)`,
      { details: { runId: this.runId, lastSeq: at } },
    );
  }

  /** Resolves once no snapshot is being written; the error of the last save that failed, if one did. */
  idle(): Promise<unknown> {
    return this.snapshots.idle();
  }
}
