// One run's log as a live statechart: rebuilt through rebuildRun, then kept current by committing decisions
// with an expected seq (decide → append → evolve; on CONFLICT fold the new events and decide again).
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
import { type CrashPoint, failpoint } from './failpoints.js';
import { frozenPlanTampered } from './frozen-plan.js';
import { type RebuildRefused, type RebuiltRun, rebuildRun } from './rebuild.js';
import { runState } from './run-state.js';

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
}

/** Rounds of fold-and-decide-again before a commit gives up with CONFLICT (each round means another writer won). */
const MAX_ROUNDS = 20;

/** Throws LOG_TAMPERED with the words resume has always used for each kind of problem. */
function assertRebuilt(runId: string, r: RebuiltRun | RebuildRefused, machineVersion: string): RebuiltRun {
  const p = r.problem;
  if (!p) return r as RebuiltRun;
  if (p.kind === 'plan') throw frozenPlanTampered(runId, p);
  if (p.kind === 'chain') {
    throw new PhasedError(
      'LOG_TAMPERED',
      `run ${runId}: the event log does not verify at seq ${p.seq} (${p.reason}). ` +
        `Nothing was appended. Inspect it with \`phased replay ${runId} --verify\`; a tampered log cannot be resumed.`,
      { details: { runId, seq: p.seq } },
    );
  }
  throw new PhasedError(
    'LOG_TAMPERED',
    `run ${runId}: replaying the log does not reproduce its recorded states: ${p.reason}. ` +
      `The log or the machine version (${machineVersion}) differs; run \`phased replay ${runId} --verify\`.`,
    { details: { runId, seq: p.seq } },
  );
}

export class RunLog {
  readonly plan: ResolvedPlan;
  readonly machine: RunMachine;
  private cursor: RunCursor;
  private seqNow: number;
  /** The state column of the latest event, once known (computed on demand after a rebuild). */
  private stateNow: string | undefined;
  private busy: Promise<void> = Promise.resolve();
  /** The snapshot being written, if one is, and the newest crossing waiting for it (saveSnapshot). */
  private snapshotting: Promise<void> | undefined;
  private nextSnapshot: { seq: number; snapshot: unknown } | undefined;
  private snapshotError: unknown;
  /**
   * Events decided from each of this process's own events as it is applied (adaptive concurrency,
   * notifications), appended in the same transaction: a decision is never durable without its cause, or lost.
   */
  followUps?: (event: RunEvent, snap: RunSnapshot, seq: number) => RunEvent[];
  /** Called with every event the log gains (own and other processes'), after it is durable. */
  onEvent?: (stored: StoredEvent, event: RunEvent, snap: RunSnapshot) => void;
  /** Told when a snapshot could not be saved (the run goes on; its next rebuild folds more events). */
  onSnapshotError?: (seq: number, err: unknown) => void;

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
    this.stateNow = r.stateText;
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
   * Decide on the current snapshot, append with our head as the expected seq, then evolve. When another writer
   * appended first (CONFLICT), its events are folded in and `decide` runs again on the new snapshot. `decide` may
   * return no event (nothing is appended) or throw (nothing is appended).
   */
  commitWith(decide: Decide, opts: CommitOptions = {}): Promise<StoredEvent[]> {
    return this.exclusive(() => this.decideAndAppend(decide, opts));
  }

  private async decideAndAppend(decide: Decide, opts: CommitOptions): Promise<StoredEvent[]> {
    for (let round = 1; ; round++) {
      let decided = decide(this.cursor.snapshot);
      if (decided instanceof Promise) decided = await decided;
      if (decided.length === 0) return [];
      const expected = this.seqNow;
      const at = new Date().toISOString();
      const snaps: RunSnapshot[] = [];
      const out: NewEvent[] = [];
      const queue = [...decided];
      for (let i = 0; i < queue.length; i++) {
        const event = queue[i];
        const snap = this.cursor.apply(event);
        snaps.push(snap);
        out.push({ event, at, state: snap.value, status: runStatus(snap) });
        // Right after their cause: the next event is decided on a state that includes them.
        const seq = expected + out.length;
        if (this.followUps) queue.splice(i + 1, 0, ...this.followUps(event, snap, seq));
      }
      let stored: StoredEvent[];
      try {
        stored = opts.via
          ? await opts.via(expected, out)
          : opts.lease === undefined
            ? await this.store.append(this.runId, expected, out)
            : await this.store.append(this.runId, expected, out, opts.lease);
      } catch (err) {
        // The cursor ran ahead with events that were not appended: it is rebuilt from the log either way.
        if (!(err instanceof PhasedError && err.code === 'CONFLICT') || round >= MAX_ROUNDS) {
          await this.refold(expected).catch(() => undefined);
          throw err;
        }
        opts.onConflict?.(err);
        await this.refold(expected);
        continue;
      }
      this.seqNow = stored[stored.length - 1].seq;
      this.stateNow = stored[stored.length - 1].state;
      if (this.crossesSnapshot(stored)) this.saveSnapshot(stored[stored.length - 1].seq);
      if (opts.crash) failpoint(opts.crash);
      const on = this.onEvent;
      if (on) for (let i = 0; i < stored.length; i++) on(stored[i], queue[i], snaps[i]);
      return stored;
    }
  }

  commit(events: RunEvent[], opts?: CommitOptions): Promise<StoredEvent[]> {
    return this.commitWith(() => events, opts);
  }

  /** Fold the events other processes appended since our head. Returns how many. */
  sync(): Promise<number> {
    return this.exclusive(() => this.foldTail());
  }

  /** One commit or sync at a time: each starts from the head the previous one left. */
  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.busy.then(f);
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async foldTail(): Promise<number> {
    let n = 0;
    for await (const e of this.store.events(this.runId, { fromSeq: this.seqNow + 1 })) {
      const event = eventFromRow(e.type, e.data);
      const snap = this.cursor.apply(event);
      this.seqNow = e.seq;
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
    this.seqNow = seq;
    this.stateNow = undefined;
    await this.foldTail();
  }

  /** Whether these events pass a multiple of the store's snapshot interval. */
  private crossesSnapshot(stored: StoredEvent[]): boolean {
    const every = this.store.snapshotEvery;
    const first = stored[0].seq;
    const last = stored[stored.length - 1].seq;
    return Math.floor(last / every) !== Math.floor((first - 1) / every);
  }

  /**
   * Save the snapshot at `seq` without holding up the next append: a networked store writes it on another
   * connection meanwhile (SQLite's is written before this returns). One at a time: a crossing met while one is
   * being written waits for it, and a newer crossing replaces a waiting one, so the newest is always saved. A
   * snapshot is a cache of the log: a save that fails (or is cut by a crash) only means a longer fold on the next
   * rebuild, so its error goes to onSnapshotError and idle(), not into the commit whose events are durable.
   */
  private saveSnapshot(seq: number): void {
    const snapshot = this.cursor.persisted();
    if (this.snapshotting) this.nextSnapshot = { seq, snapshot };
    else this.startSave(seq, snapshot);
  }

  private startSave(seq: number, snapshot: unknown): void {
    const saving = this.store
      .saveSnapshot(this.runId, seq, snapshot, { beforeCommit: () => failpoint('during-snapshot') })
      .catch((err: unknown) => {
        this.snapshotError = err;
        this.onSnapshotError?.(seq, err);
      })
      .finally(() => {
        this.snapshotting = undefined;
        const next = this.nextSnapshot;
        this.nextSnapshot = undefined;
        if (next) this.startSave(next.seq, next.snapshot);
      });
    this.snapshotting = saving;
  }

  /** Resolves once no snapshot is being written; the error of the last save that failed, if one did. */
  async idle(): Promise<unknown> {
    while (this.snapshotting) await this.snapshotting;
    const err = this.snapshotError;
    this.snapshotError = undefined;
    return err;
  }
}
