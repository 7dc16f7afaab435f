// The level-triggered reconciler: take the lease, rebuild the run, do what the active states declare,
// log every result before acting on it. The same code drives a fresh run and a resumed one.

// rxjs's package root loads its whole CommonJS bundle (~150 ms); this documented subpath export loads only the
// Subject, which keeps a resume's start-up short.
import { Subject } from 'rxjs/internal/Subject';
import {
  type AttachReason,
  activeEffects,
  allSteps,
  decideAttach,
  decideFinish,
  type Effect,
  MACHINE_VERSION,
  PhasedError,
  type RunEvent,
  type RunSnapshot,
  type RunStatus,
  runStatus,
  type StepSpec,
} from '../../machines/index.js';
import type { EventStore, LeaseToken, StoredEvent } from '../../store/index.js';
import { RunOps } from '../cost/run-ops.js';
import { Notifier } from '../notify/notifier.js';
import type { PlanWarehouse } from '../warehouse/index.js';
import { sleep } from './backoff.js';
import { CommitQueue } from './commit-queue.js';
import { baselineEvent, gateEvent, prerequisitesEvent } from './effects.js';
import { failpoint } from './failpoints.js';
import { type HeldLease, LEASE_MS, ownerId, takeLease } from './lease.js';
import { type OpenOptions, RunLog } from './run-log.js';
import { failedPartitions, runState } from './run-state.js';
import { Semaphore } from './semaphore.js';
import { runUnit, type UnitHost } from './unit-runner.js';
import { type OpeningWarehouse, openPlanWarehouse } from './warehouse.js';

export interface DriverOptions {
  store: EventStore;
  runId: string;
  /** The run's lease when the caller took it already (a plan change accepted under it); else the driver takes it. */
  lease?: HeldLease;
  /** Injected backends (benchmarks, the CLI's pre-opened one); by default the plan's own are opened. */
  warehouse?: PlanWarehouse;
  /**
   * Backends the caller started opening before the lease was taken (openRunWarehouseEarly): used when the run's
   * frozen plan still has the hash they were opened for, else the driver opens its own. The caller closes them.
   */
  opening?: OpeningWarehouse;
  logDir?: string;
  /** How long in-flight units may finish after SIGINT/SIGTERM. */
  graceMs?: number;
  /** Aborted by the caller on SIGINT/SIGTERM; the reason becomes the detach reason. */
  stop?: AbortSignal;
  /**
   * Aborted to end the grace early (a second SIGINT/SIGTERM): detach without waiting for in-flight units, as when
   * the grace runs out; a resume looks them up or runs them again.
   */
  graceEnd?: AbortSignal;
  /** How often to look for events other processes appended (pause, cancel, retry, approve). */
  pollMs?: number;
  version?: string;
  /** Resume a paused run (CLI resume); the daemon leaves paused runs alone. Default true. */
  resumePaused?: boolean;
  /** Observe the live actor (the Stately inspector bridge). */
  inspect?: OpenOptions['inspect'];
  /** Told of every lease renewal and whether it held (the daemon's metrics). */
  onLeaseRenewed?: (ok: boolean) => void;
  /** A snapshot of the run could not be saved (the run goes on): the CLI and the daemon log a warning. */
  onSnapshotError?: (seq: number, err: unknown) => void;
  /**
   * Why this driver attaches, as DRIVER_ATTACHED records it: `daemon` for the daemon; by default `new` for a run
   * without events and `resume` otherwise. A lease taken from a driver that never detached records `takeover`.
   */
  attachReason?: Exclude<AttachReason, 'takeover'>;
  /** Set (or raise) the run's budget of bytes billed, logged as BUDGET_CHANGED (`--max-bytes-billed`). */
  maxBytesBilled?: number;
}

export interface DriveResult {
  runId: string;
  status: RunStatus | 'interrupted';
  exitCode: number;
  reason?: string;
}

export interface LoggedEvent {
  stored: StoredEvent;
  event: RunEvent;
  snap: RunSnapshot;
}

const EXIT: Record<RunStatus, number> = {
  succeeded: 0,
  blocked: 1,
  failed: 1,
  paused: 3,
  cancelled: 3,
  running: 1,
  created: 1,
};

export class Driver {
  /** Every event the run gains while driven, after it is durable (progress, logs, metrics, inspector). */
  readonly events$ = new Subject<LoggedEvent>();
  readonly owner = ownerId();
  log!: RunLog;
  private wh!: PlanWarehouse;
  /** Each step being run: stopping it lets its units in flight finish and starts no more. */
  private readonly dispatchers = new Map<string, { stop(): void }>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly cancel = new AbortController();
  private waiters: (() => void)[] = [];
  private queue!: CommitQueue;
  private fatal: unknown;
  private cap!: Semaphore;
  private lease!: LeaseToken;
  /** Cost and quota hooks: budget guard, adaptive step limits, follow-up decisions (src/cost/). */
  ops!: RunOps;
  private notifier!: Notifier;

  constructor(private readonly opts: DriverOptions) {}

  async run(): Promise<DriveResult> {
    const { store, runId } = this.opts;
    const held = this.opts.lease ?? (await takeLease(store, runId, this.owner));
    this.lease = held.token;
    const timers: NodeJS.Timeout[] = [];
    let ownWarehouse = false;
    try {
      this.log = await RunLog.open(store, runId, { verify: true, inspect: this.opts.inspect });
      this.log.onEvent = (stored, event, snap) => this.events$.next({ stored, event, snap });
      this.log.onSnapshotError = this.opts.onSnapshotError;
      this.cap = new Semaphore(this.log.plan.maxConcurrency);
      this.queue = new CommitQueue(this.log, () => this.poke(), this.lease);
      if (this.opts.warehouse) this.wh = this.opts.warehouse;
      else if (this.opts.opening && this.opts.opening.planHash === this.log.run.planHash) {
        this.wh = await this.opts.opening.opened;
      } else {
        this.wh = await openPlanWarehouse(this.log.plan, { logDir: this.opts.logDir ?? '.phased/logs' });
        ownWarehouse = true;
      }
      this.ops = new RunOps(this.log, this.wh.reads);
      this.log.followUps = (event, snap, seq) => this.ops.followUps(event, snap, seq);
      this.events$.subscribe(({ event }) => this.ops.observe(event));
      this.notifier = new Notifier(this.log);
      this.ops.deciders.push(this.notifier.decide);
      this.events$.subscribe(({ event, stored }) => this.notifier.observe(event, stored.seq));
      timers.push(this.every(Math.max(1000, LEASE_MS / 3), () => this.renew()));
      let mark = await store.changeMark();
      timers.push(
        this.every(this.opts.pollMs ?? 1000, async () => {
          const now = await store.changeMark();
          if (now !== mark && (await this.log.sync()) > 0) this.poke();
          mark = now;
          const stalled = this.notifier.checkStalled(this.inflight.size);
          if (stalled.length > 0) await this.commit(stalled);
        }),
      );
      this.opts.stop?.addEventListener('abort', () => this.poke(), { once: true });
      await this.attach(held.from);
      await this.notifier.start();
      return await this.loop();
    } finally {
      for (const t of timers) clearInterval(t);
      // A snapshot still being written finishes before the lease is let go (a failed one only costs a longer fold).
      await this.log?.idle();
      // Then the lease, before the warehouse closes: nothing more is appended from here, and closing waits for
      // statements still running (SQLite cannot stop one; its worker ends, writing nothing, once it returns), which
      // must not keep a resume out meanwhile.
      await store.releaseLease(runId, this.lease).catch(() => undefined);
      if (ownWarehouse) await this.wh.close().catch(() => undefined);
      this.events$.complete();
    }
  }

  /** Append under this driver's lease (LEASE_LOST once another process took the run). */
  private commit(events: RunEvent[]): Promise<StoredEvent[]> {
    return this.log.commit(events, { lease: this.lease });
  }

  /** RUN_CREATED, DRIVER_ATTACHED, a pause left unsettled, RESUMED, failed units re-opened: machines/attach.ts. */
  private async attach(from: string | undefined): Promise<void> {
    const failed = await failedPartitions(this.log);
    const command = {
      type: 'attach' as const,
      ...this.self(),
      by: this.owner,
      reason: this.opts.attachReason,
      ...(from ? { takeoverFrom: from } : {}),
      resumePaused: this.opts.resumePaused !== false,
    };
    await this.log.commitWith(
      (snap) => {
        const events = decideAttach(command, runState(this.log, snap, failed));
        // A budget given to this driver (run or resume --max-bytes-billed) is on record before the run resumes.
        const budget = this.ops.budgetChange(this.opts.maxBytesBilled, this.owner, '--max-bytes-billed');
        const resumed = events.findIndex((e) => e.type === 'RESUMED');
        events.splice(resumed < 0 ? events.length : resumed, 0, ...budget);
        return events;
      },
      { lease: this.lease },
    );
  }

  /** This driver as DRIVER_ATTACHED and DRIVER_DETACHED record it. */
  private self(): { pid: number; host: string; version: string } {
    return {
      pid: process.pid,
      host: this.owner.split('@')[1] ?? '',
      version: this.opts.version ?? MACHINE_VERSION,
    };
  }

  private async loop(): Promise<DriveResult> {
    const runId = this.log.runId;
    for (;;) {
      // Results queued by units that already gave up their slot are made durable before state is read.
      // A failed commit is fatal now, not when its promises' handlers run.
      const failed = await this.queue.flush();
      if (failed !== undefined) this.fatal ??= failed;
      if (this.fatal) throw this.fatal;
      const snap = this.log.snapshot;
      const status = runStatus(snap);
      if (status !== 'running') {
        await this.notifier.drain();
        return this.detach({ runId, status, exitCode: EXIT[status] }, status);
      }
      const stop = this.opts.stop;
      if (stop?.aborted) {
        const reason = String(stop.reason ?? 'SIGTERM');
        await this.drain(this.opts.graceMs ?? 30_000);
        await this.notifier.drain();
        const exitCode = reason === 'SIGINT' ? 130 : 143;
        return this.detach({ runId, status: 'interrupted', exitCode, reason }, reason);
      }
      const { pauseRequested, cancelRequested } = snap.context;
      if (pauseRequested || cancelRequested) {
        if (cancelRequested) this.cancel.abort();
        const settle = { type: 'settle-stop' as const, by: this.owner, inflight: this.inflight.size };
        const events = decideFinish(settle, runState(this.log, snap));
        if (events.length === 0) {
          await this.wake();
          continue;
        }
        await this.commit(events);
        continue;
      }
      if (this.ops.guard.blocked) {
        // The budget refused a unit: none starts; once the in-flight ones are logged, the run pauses if that
        // unit still would pass the budget (else the guard unblocks and units start again).
        if (this.inflight.size > 0) {
          await this.wake();
          continue;
        }
        const paused = this.ops.guard.pauseEvent(this.owner);
        if (paused) await this.commit([paused]);
        continue;
      }
      let progressed = false;
      for (const effect of activeEffects(snap)) progressed = (await this.perform(effect)) || progressed;
      if (!progressed) await this.wake();
    }
  }

  /** Do one declared effect; true when it logged something synchronously (the loop looks again at once). */
  private async perform(e: Effect): Promise<boolean> {
    const { plan, runId } = this.log;
    switch (e.effect) {
      case 'checkPrerequisites':
        await this.commit([await prerequisitesEvent(plan, this.wh.reads)]);
        return true;
      case 'measureBaseline':
        await this.commit([await baselineEvent(plan, this.wh.reads, runId)]);
        return true;
      case 'runStep':
        await this.dispatch(e.step);
        return false;
      case 'evaluateGate': {
        const event = await gateEvent(plan, this.wh.reads, runId, e.phase, e.gate);
        failpoint('after-gate-evaluated');
        await this.commit([event]);
        return true;
      }
      case 'finish':
        await this.commit(decideFinish({ type: 'finish' }, runState(this.log)));
        return true;
      case 'blocked':
        return false;
    }
  }

  private async dispatch(stepId: string): Promise<void> {
    if (this.dispatchers.has(stepId) || this.stopping()) return;
    const step = allSteps(this.log.plan).find((s) => s.id === stepId) as StepSpec;
    const units = await this.log.store.units(this.log.runId, {
      step: stepId,
      status: ['pending', 'started'],
    });
    if (units.length === 0) {
      throw new PhasedError(
        'INTERNAL',
        `run ${this.log.runId}: step ${stepId} has ${this.log.snapshot.context.steps[stepId]?.pending} pending units by the log's counters, but none in the units projection`,
      );
    }
    const host: UnitHost = {
      ...this.unitHost(step),
      requeue: async () => {
        this.ops.limiter.release(stepId);
        await this.ops.limiter.acquire(stepId);
      },
    };
    // step.concurrency workers take the units in order; each waits for room under the step's (adaptive) limit
    // and the run's cap before it runs one. A unit that throws is fatal: no worker takes another.
    let next = 0;
    let stopped = false;
    const worker = async () => {
      while (!stopped && next < units.length) {
        const u = units[next++];
        await this.ops.limiter.acquire(stepId);
        await this.cap.acquire();
        const p = runUnit(host, step, u);
        this.inflight.add(p);
        try {
          await p;
        } finally {
          this.inflight.delete(p);
          this.cap.release();
          this.ops.limiter.release(stepId);
        }
      }
    };
    this.dispatchers.set(stepId, {
      stop: () => {
        stopped = true;
      },
    });
    const workers = Array.from({ length: Math.min(step.concurrency, units.length) }, worker);
    Promise.all(workers).then(
      () => {
        if (stopped) return;
        this.dispatchers.delete(stepId);
        this.poke();
      },
      (err) => {
        stopped = true;
        this.fatal = err;
        this.poke();
      },
    );
  }

  private unitHost(step: StepSpec): UnitHost {
    const plan = this.log.plan;
    return {
      runId: this.log.runId,
      range: plan.range,
      wh: this.wh.backendFor(step),
      commit: (event) => this.queue.commit(event),
      commitLater: (event) => {
        this.queue.commit(event).catch((err) => {
          this.fatal ??= err;
          this.poke();
        });
      },
      stopping: () => this.stopping(),
      abort: this.cancel.signal,
      admit: (unit) => this.ops.guard.admit(unit),
    };
  }

  /**
   * No unit may do anything more. A budget refusal is not a stop: the guard refuses every new attempt, while
   * units in doubt from before a crash are still looked up, so their bytes are billed before the pause decides.
   */
  private stopping(): boolean {
    const c = this.log.snapshot.context;
    return (
      c.pauseRequested || c.cancelRequested || this.opts.stop?.aborted === true || this.fatal !== undefined
    );
  }

  private async drain(graceMs: number): Promise<void> {
    const all = Promise.allSettled([...this.inflight]);
    await Promise.race([all, sleep(graceMs, this.opts.graceEnd)]);
  }

  private async detach(result: DriveResult, reason: string): Promise<DriveResult> {
    for (const s of this.dispatchers.values()) s.stop();
    const failed = await this.queue.flush();
    if (failed !== undefined) throw failed;
    // The last append: a unit still running (past a grace cut short) cannot log its result behind it.
    await this.log.commit(decideFinish({ type: 'detach', ...this.self(), reason }, runState(this.log)), {
      lease: this.lease,
      last: true,
    });
    return result;
  }

  private async renew(): Promise<void> {
    const ok = await this.log.store.renewLease(this.log.runId, this.lease, LEASE_MS);
    this.opts.onLeaseRenewed?.(ok);
    if (!ok) {
      this.fatal ??= new PhasedError(
        'LEASE_LOST',
        `run ${this.log.runId}: this driver (${this.lease.owner}, lease epoch ${this.lease.epoch}) lost the lease to another process; stopping`,
        { details: { runId: this.log.runId, owner: this.lease.owner, epoch: this.lease.epoch } },
      );
      this.poke();
    }
  }

  /** Run `f` every `ms`, one call at a time; an error it throws is fatal to the drive. */
  private every(ms: number, f: () => Promise<void>): NodeJS.Timeout {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      f()
        .catch((err) => {
          this.fatal ??= err;
          this.poke();
        })
        .finally(() => {
          busy = false;
        });
    }, ms);
  }

  private wake(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private poke(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
