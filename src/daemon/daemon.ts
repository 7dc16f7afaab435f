// The daemon's scheduler: every tick, drive each run that is created or running and not leased by a live
// process (several at once, one Driver and AbortController each); a dead owner's run is taken over via its lease.
// On a server store that can claim runs (PostgreSQL: FOR UPDATE SKIP LOCKED), daemons on several hosts split the
// runs by claiming them, and wake on the store's change notifications with the tick as a slow fallback.
// It does no unit work itself; paused, blocked, failed and finished runs are left for a human.

import { awaitsDriver, PhasedError } from '../../machines/index.js';
import type { EventStore, LeaseToken } from '../../store/index.js';
import {
  Driver,
  type DriverOptions,
  type HeldLease,
  LEASE_MS,
  ownerId,
  ownerIsDead,
} from '../engine/index.js';
import {
  createRunLogger,
  LINGER_TEXT,
  logEvents,
  logSnapshotError,
  sayWhileWaiting,
} from '../observe/index.js';
import { Metrics } from './metrics.js';
import { Told } from './told.js';

export interface DaemonOptions {
  store: EventStore;
  logDir: string;
  logLevel?: string;
  /** How often to look for runs to drive (default 1000 ms). */
  tickMs?: number;
  graceMs?: number;
  /** Aborted to end the grace early (a second signal): every run detaches without waiting for its units. */
  graceEnd?: AbortSignal;
  inspect?: DriverOptions['inspect'];
  /** One line per thing the daemon does (stderr in the CLI). */
  say?: (line: string) => void;
  /** Called after each batch of events a driven run appends (the console streams them). */
  onAppend?: () => void;
}

/** A lease held by a live process (as liveOwner decides). */
function leaseLive(owner: string | null, expiresAt: string | null, now: number): boolean {
  return !!owner && !!expiresAt && Date.parse(expiresAt) > now && !ownerIsDead(owner);
}

/** How long a run whose drive failed waits before the next try (PHASED_DAEMON_RETRY_MS; tests shorten it). */
const ERROR_BACKOFF_MS = Number(process.env.PHASED_DAEMON_RETRY_MS ?? 30_000);
/** The key of a tick's failure among the told ones (run ids are the others; none is empty). */
const TICK = '';
/** Runs claimed per tick on a store that claims (the rest wait for the next tick or another daemon). */
const CLAIM_BATCH = 8;
/** On a store that notifies, the longest wait between looks when nothing was notified. */
const NOTIFIED_FALLBACK_MS = 5000;

/** What a server store offers beyond the interface: claiming runs for daemons, and waiting for a change. */
interface ClaimingStore extends EventStore {
  claimRuns(
    owner: string,
    limit: number,
    ttlMs: number,
  ): Promise<{ runId: string; token: LeaseToken; from?: string }[]>;
  waitForChange?(timeoutMs: number): Promise<void>;
}

function claiming(store: EventStore): ClaimingStore | undefined {
  return typeof (store as Partial<ClaimingStore>).claimRuns === 'function'
    ? (store as ClaimingStore)
    : undefined;
}

interface Driven {
  stop: AbortController;
  done: Promise<void>;
}

export class Daemon {
  readonly metrics: Metrics;
  private readonly driving = new Map<string, Driven>();
  private readonly notBefore = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private ticking = false;
  /** Failures that repeat (the store's, per tick; a run's, per retry), told once each. */
  private readonly told = new Told();

  constructor(private readonly opts: DaemonOptions) {
    this.metrics = new Metrics(opts.store, () => this.driving.size);
  }

  start(): void {
    void this.tickSafely();
    this.timer = setInterval(() => void this.tickSafely(), this.opts.tickMs ?? 1000);
    const wait = claiming(this.opts.store)?.waitForChange?.bind(this.opts.store);
    if (wait) void this.onNotifications(wait);
  }

  /** New runs and control commands arrive as notifications: look at once instead of at the next tick. */
  private async onNotifications(wait: (timeoutMs: number) => Promise<void>): Promise<void> {
    while (!this.stopping) {
      await wait(NOTIFIED_FALLBACK_MS).catch(() => undefined);
      if (!this.stopping) await this.tickSafely();
    }
  }

  /**
   * One tick at a time; a tick that cannot read the store is tried again next time. Its failure is told once
   * (again only if it changes, or a minute later: a server away for an hour is not 3,600 lines), and the first
   * tick that works after it says so.
   */
  private async tickSafely(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.tick();
      const failed = this.told.cleared(TICK);
      if (failed > 0)
        this.say(`the event store answers again; looking for runs to drive (${failed} failed looks)`);
    } catch (err) {
      const lead = this.told.failed(TICK, (err as Error).message);
      if (lead !== undefined) this.say(`cannot look for runs to drive: ${lead}${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  /** Runs this process drives now. */
  runs(): string[] {
    return [...this.driving.keys()];
  }

  async tick(): Promise<void> {
    if (this.stopping) return;
    const claimer = claiming(this.opts.store);
    if (claimer) return this.claimTick(claimer);
    // Summaries only (no plan_json); the lease is read from the same row.
    const rows = await this.opts.store.views.runSummaries();
    if (this.stopping) return;
    const now = Date.now();
    for (const r of rows) {
      if (!awaitsDriver(r.status) || this.driving.has(r.runId)) continue;
      if ((this.notBefore.get(r.runId) ?? 0) > now) continue;
      if (leaseLive(r.owner, r.leaseExpiresAt, now)) continue;
      this.drive(r.runId);
    }
  }

  private say(line: string): void {
    this.opts.say?.(line);
  }

  /** Claim runs with free or expired leases (other daemons skip the rows this one locks) and drive them. */
  private async claimTick(store: ClaimingStore): Promise<void> {
    const claimed = await store.claimRuns(ownerId(), CLAIM_BATCH, LEASE_MS);
    const now = Date.now();
    for (const c of claimed) {
      if (this.stopping || this.driving.has(c.runId) || (this.notBefore.get(c.runId) ?? 0) > now) {
        if (!this.driving.has(c.runId)) await store.releaseLease(c.runId, c.token).catch(() => undefined);
        continue;
      }
      this.drive(c.runId, { token: c.token, ...(c.from ? { from: c.from } : {}) });
    }
  }

  private drive(runId: string, lease?: HeldLease): void {
    const stop = new AbortController();
    const logger = createRunLogger(this.opts.logDir, runId, this.opts.logLevel ?? 'info');
    const driver = new Driver({
      store: this.opts.store,
      runId,
      ...(lease ? { lease } : {}),
      stop: stop.signal,
      logDir: this.opts.logDir,
      graceMs: this.opts.graceMs,
      graceEnd: this.opts.graceEnd,
      resumePaused: false,
      attachReason: 'daemon',
      inspect: this.opts.inspect,
      onLeaseRenewed: (ok) => this.metrics.leaseRenewed(ok),
      onSnapshotError: logSnapshotError(logger),
    });
    logEvents(logger, driver.events$);
    this.metrics.observe(driver.events$, () => driver.log?.plan);
    const onAppend = this.opts.onAppend;
    if (onAppend) driver.events$.subscribe(() => onAppend());
    const done = driver
      .run()
      .then(
        (r) => {
          this.told.cleared(runId);
          this.say(`run ${runId}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
        },
        (err) => {
          // Another process took the run between our look and our lease: not an error.
          if (err instanceof PhasedError && (err.code === 'LEASE_HELD' || err.code === 'LEASE_LOST')) return;
          this.notBefore.set(runId, Date.now() + ERROR_BACKOFF_MS);
          // Retried every 30 s: the same failure is told once (and a minute later), not at every try.
          const lead = this.told.failed(runId, (err as Error).message);
          if (lead === undefined) return;
          this.say(
            `run ${runId}: stopped driving: ${lead}${(err as Error).message} (retrying every ${ERROR_BACKOFF_MS / 1000} s)`,
          );
        },
      )
      .finally(() => {
        this.driving.delete(runId);
        logger.flush();
      });
    // Detached, the driver closes its warehouse, which waits for statements still running: a daemon that lingers
    // then says why, so it is not taken for hung.
    driver.events$.subscribe(({ event }) => {
      if (event.type !== 'DRIVER_DETACHED') return;
      // Its outcome is handled where `done` is made; here only the wait is watched.
      sayWhileWaiting(done, () =>
        this.say(`run ${runId}: detached; ${LINGER_TEXT}; the run is free to resume meanwhile`),
      ).catch(() => undefined);
    });
    this.driving.set(runId, { stop, done });
    // A retry of a run that keeps failing starts quietly; its failure, when told, says it is retried.
    if (!this.told.isFailing(runId)) this.say(`run ${runId}: driving`);
  }

  /** Stop dispatching everywhere, let in-flight units finish (grace), detach, release leases. */
  async stop(reason: string): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    const all = [...this.driving.values()];
    for (const d of all) d.stop.abort(reason);
    await Promise.all(all.map((d) => d.done));
  }
}
