// The daemon's scheduler: every tick, drive each run that is created or running and not leased by a live
// process (several at once, one Driver and AbortController each); a dead owner's run is taken over via its lease.
// It does no unit work itself; paused, blocked, failed and finished runs are left for a human.

import { PhasedError } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { Driver, type DriverOptions, ownerIsDead } from '../engine/index.js';
import { createRunLogger, logEvents } from '../observe/index.js';
import { Metrics } from './metrics.js';

export interface DaemonOptions {
  store: EventStore;
  logDir: string;
  logLevel?: string;
  /** How often to look for runs to drive (default 1000 ms). */
  tickMs?: number;
  graceMs?: number;
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

const ELIGIBLE = new Set(['created', 'running']);
const ERROR_BACKOFF_MS = 30_000;

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

  constructor(private readonly opts: DaemonOptions) {
    this.metrics = new Metrics(opts.store, () => this.driving.size);
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 1000);
  }

  /** Runs this process drives now. */
  runs(): string[] {
    return [...this.driving.keys()];
  }

  tick(): void {
    if (this.stopping) return;
    const now = Date.now();
    // Summaries only (no plan_json); the lease is read from the same row.
    for (const r of this.opts.store.views.runSummaries()) {
      if (!ELIGIBLE.has(r.status) || this.driving.has(r.runId)) continue;
      if ((this.notBefore.get(r.runId) ?? 0) > now) continue;
      if (leaseLive(r.owner, r.leaseExpiresAt, now)) continue;
      this.drive(r.runId);
    }
  }

  private say(line: string): void {
    this.opts.say?.(line);
  }

  private drive(runId: string): void {
    const stop = new AbortController();
    const logger = createRunLogger(this.opts.logDir, runId, this.opts.logLevel ?? 'info');
    const driver = new Driver({
      store: this.opts.store,
      runId,
      stop: stop.signal,
      logDir: this.opts.logDir,
      graceMs: this.opts.graceMs,
      resumePaused: false,
      attachReason: 'daemon',
      inspect: this.opts.inspect,
      onLeaseRenewed: (ok) => this.metrics.leaseRenewed(ok),
    });
    logEvents(logger, driver.events$);
    this.metrics.observe(driver.events$, () => driver.log?.plan);
    const onAppend = this.opts.onAppend;
    if (onAppend) driver.events$.subscribe(() => onAppend());
    const done = driver
      .run()
      .then(
        (r) => {
          this.say(`run ${runId}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
        },
        (err) => {
          // Another process took the run between our look and our lease: not an error.
          if (err instanceof PhasedError && err.code === 'LEASE_HELD') return;
          this.notBefore.set(runId, Date.now() + ERROR_BACKOFF_MS);
          this.say(
            `run ${runId}: stopped driving: ${(err as Error).message} (retrying in ${ERROR_BACKOFF_MS / 1000} s)`,
          );
        },
      )
      .finally(() => {
        this.driving.delete(runId);
        logger.flush();
      });
    this.driving.set(runId, { stop, done });
    this.say(`run ${runId}: driving`);
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
