// Group commit for the driver: events that arrive in the same event-loop turn share one append (split when long
// units' results pile up, see nextBatch), as many appends are in flight as the store pipelines (one on SQLite,
// two on PostgreSQL), and the events that arrive meanwhile form the next batch.
// It owns ordering and batching only; what to append and when work may start is the caller's business.

import type { RunEvent } from '../../machines/index.js';
import type { LeaseToken, StoredEvent } from '../../store/index.js';
import type { RunLog } from './run-log.js';

/**
 * Units that ran at least this long (ms) end out of step with the appends: what delays their successors is the
 * append they wait for, and the CPU is idle most of the time.
 */
export const LONG_UNIT_MS = 2;
/**
 * Events per append while the queue holds the results of long units: the successors of the first units to end
 * start while the rest are appended, and the units' ends spread out instead of landing in one append every wave.
 * Short units (the throughput case) keep one append per turn. Measured on 2,000 × 10 ms units at concurrency 16,
 * eight runs each: makespan efficiency median 0.869 at 4 events (two units) against 0.849 at 8, 0.82 at 16 and
 * 0.80 unsplit; 2 events did no better than 4 with twice the commits.
 */
export const SPLIT_EVENTS = 4;

/**
 * The events to append next: the whole queue, or its first SPLIT_EVENTS when it holds long units' results. When
 * two appends can be in flight and none is (`halve`), a queue that starts two or more units is cut after half of
 * its UNIT_STARTED: the second part is sent right behind the first, and the units the first starts run while the
 * second is on the server, so a wave splits into two cohorts that keep the pipeline full.
 */
export function nextBatch<T extends { event: RunEvent }>(queue: T[], halve = false): number {
  if (queue.length <= SPLIT_EVENTS) return queue.length;
  const long = queue.some((p) => p.event.type === 'UNIT_SUCCEEDED' && p.event.ms >= LONG_UNIT_MS);
  if (long) return SPLIT_EVENTS;
  if (!halve) return queue.length;
  const starts = queue.reduce((n, p) => n + (p.event.type === 'UNIT_STARTED' ? 1 : 0), 0);
  if (starts < 2) return queue.length;
  let seen = 0;
  const half = Math.ceil(starts / 2);
  for (let i = 0; i < queue.length; i++) {
    if (queue[i].event.type === 'UNIT_STARTED' && ++seen === half) return i + 1;
  }
  return queue.length;
}

/** Events that record a unit's progress; on their own they give the driver's loop nothing new to do. */
const UNIT_PROGRESS: ReadonlySet<string> = new Set(['UNIT_STARTED', 'UNIT_SUCCEEDED', 'UNIT_FAILED']);

/**
 * Whether a flush may have given the driver's loop something to do: any event other than unit progress
 * (folded-in pause, cancel or retry requests included), or a change of the run's state (a step or group
 * settling). A failed flush (undefined) always does.
 */
export function wakesLoop(stateBefore: string, stored: StoredEvent[] | undefined): boolean {
  if (!stored) return true;
  let state = stateBefore;
  for (const e of stored) {
    if (!UNIT_PROGRESS.has(e.type) || e.state !== state) return true;
    state = e.state;
  }
  return false;
}

interface Pending {
  event: RunEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class CommitQueue {
  private queue: Pending[] = [];
  private scheduled = false;
  /** The appends in flight, oldest first (at most the store's pipelineDepth): each resolves with its error, if any. */
  private readonly current: Promise<unknown>[] = [];
  private readonly depth: number;

  constructor(
    private readonly log: RunLog,
    /** Called after every flush that may have given the driver's loop something to do (see wakesLoop). */
    private readonly flushed: () => void,
    /** The lease every append carries (the driver's); none for tests that own the log alone. */
    private readonly lease?: LeaseToken,
  ) {
    this.depth = log.store.pipelineDepth;
  }

  /** Append `event`; resolves once it is durable. */
  commit(event: RunEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      // With the pipeline full, the events arriving meanwhile join the next batch, scheduled when one lands.
      if (this.current.length < this.depth) this.schedule();
    });
  }

  /**
   * Append what is queued at the end of this event-loop turn, so everything the turn queues shares one append:
   * one at a time, a unit's UNIT_SUCCEEDED and the next unit's UNIT_STARTED land in one transaction.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.kick();
    });
  }

  /**
   * Make everything queued durable: waits for the append in flight, then appends what queued meanwhile.
   * Resolves with the error of a commit that failed on the way, if one did.
   */
  async flush(): Promise<unknown> {
    let failure: unknown;
    for (;;) {
      if (this.current.length > 0) {
        const f = await this.current[this.current.length - 1];
        failure ??= f;
        continue;
      }
      if (this.queue.length === 0) return failure;
      this.kick();
    }
  }

  private kick(): void {
    while (this.current.length < this.depth && this.queue.length > 0) {
      // In queue order: what is left is appended next, before anything queued later.
      const halve = this.depth > 1 && this.current.length === 0;
      const batch = this.queue.splice(0, nextBatch(this.queue, halve));
      const p: Promise<unknown> = this.append(batch).finally(() => {
        this.current.splice(this.current.indexOf(p), 1);
        if (this.queue.length > 0) this.schedule();
      });
      this.current.push(p);
    }
  }

  private async append(batch: Pending[]): Promise<unknown> {
    const before = this.log.stateText;
    let stored: StoredEvent[] | undefined;
    let failure: unknown;
    try {
      stored = await this.log.commit(
        batch.map((b) => b.event),
        { crash: 'after-append-before-send', lease: this.lease, pipeline: true },
      );
      for (const b of batch) b.resolve();
    } catch (err) {
      failure = err;
      for (const b of batch) b.reject(err);
    }
    if (wakesLoop(before, stored)) this.flushed();
    return failure;
  }
}
