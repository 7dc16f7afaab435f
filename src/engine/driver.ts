// The level-triggered reconciler: take the lease, rebuild the run, do what the active states declare,
// log every result before acting on it. The same code drives a fresh run and a resumed one.

import type { Subscription } from 'rxjs';
// rxjs's package root loads its whole CommonJS bundle (~150 ms); these documented subpath exports load only
// what the driver uses, which keeps a resume's start-up short. `innerFrom` is `from` without the scheduler
// variants (which `from` loads but an array source never uses).
import { innerFrom } from 'rxjs/internal/observable/innerFrom';
import { mergeMap } from 'rxjs/internal/operators/mergeMap';
import { Subject } from 'rxjs/internal/Subject';
import {
  type AttachReason,
  activeEffects,
  allSteps,
  type Effect,
  MACHINE_VERSION,
  PhasedError,
  type RunEvent,
  type RunSnapshot,
  type RunStatus,
  runStatus,
  type StepSpec,
} from '../../machines/index.js';
import type { EventStore, StoredEvent } from '../../store/index.js';
import { RunOps } from '../cost/run-ops.js';
import { Notifier } from '../notify/notifier.js';
import type { Warehouse } from '../warehouse/index.js';
import { sleep } from './backoff.js';
import { CommitQueue } from './commit-queue.js';
import { baselineEvent, finishEvent, gateEvent, prerequisitesEvent } from './effects.js';
import { failpoint } from './failpoints.js';
import { LEASE_MS, ownerId, takeLease, takeoverFrom } from './lease.js';
import { failedUnitsToReopen } from './reopen.js';
import { type OpenOptions, RunLog } from './run-log.js';
import { Semaphore } from './semaphore.js';
import { runUnit, type UnitHost } from './unit-runner.js';
import { openPlanWarehouse } from './warehouse.js';

export interface DriverOptions {
  store: EventStore;
  runId: string;
  /** Injected backend (benchmarks); by default the plan's own warehouse is opened. */
  warehouse?: Warehouse;
  logDir?: string;
  /** How long in-flight units may finish after SIGINT/SIGTERM. */
  graceMs?: number;
  /** Aborted by the caller on SIGINT/SIGTERM; the reason becomes the detach reason. */
  stop?: AbortSignal;
  /** How often to look for events other processes appended (pause, cancel, retry, approve). */
  pollMs?: number;
  version?: string;
  /** Resume a paused run (CLI resume); the daemon leaves paused runs alone. Default true. */
  resumePaused?: boolean;
  /** Observe the live actor (the Stately inspector bridge). */
  inspect?: OpenOptions['inspect'];
  /** Told of every lease renewal and whether it held (the daemon's metrics). */
  onLeaseRenewed?: (ok: boolean) => void;
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
  private wh!: Warehouse;
  private readonly dispatchers = new Map<string, Subscription>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly cancel = new AbortController();
  private waiters: (() => void)[] = [];
  private queue!: CommitQueue;
  private fatal: unknown;
  private cap!: Semaphore;
  /** Cost and quota hooks: budget guard, adaptive step limits, follow-up decisions (src/cost/). */
  ops!: RunOps;
  private notifier!: Notifier;

  constructor(private readonly opts: DriverOptions) {}

  async run(): Promise<DriveResult> {
    const { store, runId } = this.opts;
    takeLease(store, runId, this.owner);
    const timers: NodeJS.Timeout[] = [];
    let ownWarehouse = false;
    try {
      this.log = RunLog.open(store, runId, { verify: true, inspect: this.opts.inspect });
      this.log.onEvent = (stored, event, snap) => this.events$.next({ stored, event, snap });
      this.cap = new Semaphore(this.log.plan.maxConcurrency);
      this.queue = new CommitQueue(this.log, () => this.poke());
      if (this.opts.warehouse) this.wh = this.opts.warehouse;
      else {
        this.wh = await openPlanWarehouse(this.log.plan, { logDir: this.opts.logDir ?? '.phased/logs' });
        ownWarehouse = true;
      }
      this.ops = new RunOps(this.log, this.wh);
      this.log.followUps = (event, snap, seq) => this.ops.followUps(event, snap, seq);
      this.events$.subscribe(({ event }) => this.ops.observe(event));
      this.notifier = new Notifier(this.log);
      this.ops.deciders.push(this.notifier.decide);
      this.events$.subscribe(({ event, stored }) => this.notifier.observe(event, stored.seq));
      timers.push(this.every(Math.max(1000, LEASE_MS / 3), () => this.renew()));
      let dv = store.dataVersion();
      timers.push(
        this.every(this.opts.pollMs ?? 1000, () => {
          const now = store.dataVersion();
          if (now !== dv && this.log.sync() > 0) this.poke();
          dv = now;
          const stalled = this.notifier.checkStalled(this.inflight.size);
          if (stalled.length > 0) this.log.commit(stalled);
        }),
      );
      this.opts.stop?.addEventListener('abort', () => this.poke(), { once: true });
      this.attach();
      this.notifier.start();
      return await this.loop();
    } finally {
      for (const t of timers) clearInterval(t);
      if (ownWarehouse) await this.wh.close().catch(() => undefined);
      store.releaseLease(runId, this.owner);
      this.events$.complete();
    }
  }

  private attach(): void {
    const version = this.opts.version ?? MACHINE_VERSION;
    const host = this.owner.split('@')[1] ?? '';
    const from = takeoverFrom(this.log.runId);
    const reason: AttachReason = from
      ? 'takeover'
      : (this.opts.attachReason ?? (this.log.seq === 0 ? 'new' : 'resume'));
    this.log.commit([
      ...this.log.createdEvents(),
      { type: 'DRIVER_ATTACHED', pid: process.pid, host, version, reason, ...(from ? { from } : {}) },
    ]);
    if (this.opts.resumePaused !== false) {
      const snap = this.log.snapshot;
      // A pause that was requested but never completed (its driver died) completes now, then resumes.
      if (runStatus(snap) === 'running' && snap.context.pauseRequested && !snap.context.cancelRequested) {
        this.log.commit([
          { type: 'PAUSED', by: this.owner, reason: 'requested before the previous driver stopped' },
        ]);
      }
      // A budget given to this driver (run or resume --max-bytes-billed) is on record before the run resumes.
      const budget = this.ops.budgetChange(this.opts.maxBytesBilled, this.owner, '--max-bytes-billed');
      if (budget.length > 0) this.log.commit(budget);
      if (runStatus(this.log.snapshot) === 'paused') {
        this.log.commit([{ type: 'RESUMED', by: this.owner, reason: 'resume' }]);
      }
    }
    // Failed units are retried on resume, never skipped; a failed run starts over from where it failed.
    const reopen = failedUnitsToReopen(this.log, 'resume');
    if (reopen) this.log.commit([reopen]);
  }

  private async loop(): Promise<DriveResult> {
    const runId = this.log.runId;
    for (;;) {
      // Results queued by units that already gave up their slot are made durable before state is read.
      // A failed commit is fatal now, not when its promises' handlers run.
      const failed = this.queue.flush();
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
        if (this.inflight.size > 0) {
          await this.wake();
          continue;
        }
        const type = cancelRequested ? 'CANCELLED' : 'PAUSED';
        this.log.commit([{ type, by: this.owner, reason: 'requested' }]);
        continue;
      }
      if (this.ops.guard.blocked) {
        // The budget refused a unit: none starts; once the in-flight ones are logged, the run pauses.
        if (this.inflight.size > 0) {
          await this.wake();
          continue;
        }
        this.log.commit([this.ops.guard.pauseEvent(this.owner) as RunEvent]);
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
        this.log.commit([await prerequisitesEvent(plan, this.wh)]);
        return true;
      case 'measureBaseline':
        this.log.commit([await baselineEvent(plan, this.wh, runId)]);
        return true;
      case 'runStep':
        this.dispatch(e.step);
        return false;
      case 'evaluateGate': {
        const event = await gateEvent(plan, this.wh, runId, e.phase, e.gate);
        failpoint('after-gate-evaluated');
        this.log.commit([event]);
        return true;
      }
      case 'finish':
        this.log.commit([finishEvent(this.log.snapshot)]);
        return true;
      case 'blocked':
        return false;
    }
  }

  private dispatch(stepId: string): void {
    if (this.dispatchers.has(stepId) || this.stopping()) return;
    const step = allSteps(this.log.plan).find((s) => s.id === stepId) as StepSpec;
    const units = this.log.store.units(this.log.runId, { step: stepId, status: ['pending', 'started'] });
    if (units.length === 0) {
      throw new PhasedError(
        'INTERNAL',
        `run ${this.log.runId}: step ${stepId} has ${this.log.snapshot.context.steps[stepId]?.pending} pending units by the log's counters, but none in the units projection`,
      );
    }
    const host: UnitHost = {
      ...this.unitHost(),
      requeue: async () => {
        this.ops.limiter.release(stepId);
        await this.ops.limiter.acquire(stepId);
      },
    };
    const sub = innerFrom(units)
      .pipe(
        mergeMap(async (u) => {
          await this.ops.limiter.acquire(stepId);
          await this.cap.acquire();
          const p = runUnit(host, step, u);
          this.inflight.add(p);
          try {
            return await p;
          } finally {
            this.inflight.delete(p);
            this.cap.release();
            this.ops.limiter.release(stepId);
          }
        }, step.concurrency),
      )
      .subscribe({
        error: (err) => {
          this.fatal = err;
          this.poke();
        },
        complete: () => {
          this.dispatchers.delete(stepId);
          this.poke();
        },
      });
    if (!sub.closed) this.dispatchers.set(stepId, sub);
  }

  private unitHost(): UnitHost {
    const plan = this.log.plan;
    return {
      runId: this.log.runId,
      range: plan.range,
      wh: this.wh,
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

  private stopping(): boolean {
    const c = this.log.snapshot.context;
    return (
      c.pauseRequested ||
      c.cancelRequested ||
      this.opts.stop?.aborted === true ||
      this.fatal !== undefined ||
      this.ops.guard.blocked !== undefined
    );
  }

  private async drain(graceMs: number): Promise<void> {
    const all = Promise.allSettled([...this.inflight]);
    await Promise.race([all, sleep(graceMs)]);
  }

  private detach(result: DriveResult, reason: string): DriveResult {
    for (const s of this.dispatchers.values()) s.unsubscribe();
    this.queue.flush();
    const host = this.owner.split('@')[1] ?? '';
    this.log.commit([
      {
        type: 'DRIVER_DETACHED',
        pid: process.pid,
        host,
        version: this.opts.version ?? MACHINE_VERSION,
        reason,
      },
    ]);
    return result;
  }

  private renew(): void {
    const ok = this.log.store.renewLease(this.log.runId, this.owner, LEASE_MS);
    this.opts.onLeaseRenewed?.(ok);
    if (!ok) {
      this.fatal = new PhasedError(
        'LEASE_HELD',
        `run ${this.log.runId}: lost the lease to another process; stopping`,
      );
      this.poke();
    }
  }

  private every(ms: number, f: () => void): NodeJS.Timeout {
    const t = setInterval(() => {
      try {
        f();
      } catch (err) {
        this.fatal = err;
        this.poke();
      }
    }, ms);
    return t;
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
