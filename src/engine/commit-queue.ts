// Group commit for the driver: events that arrive in the same event-loop turn share one transaction.
// It owns ordering and batching only; what to append and when work may start is the caller's business.

import type { RunEvent } from '../../machines/index.js';
import type { StoredEvent } from '../../store/index.js';
import type { RunLog } from './run-log.js';

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

  constructor(
    private readonly log: RunLog,
    /** Called after every flush that may have given the driver's loop something to do (see wakesLoop). */
    private readonly flushed: () => void,
  ) {}

  /** Append `event`; resolves once it is durable. */
  commit(event: RunEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Make everything queued durable now, in one transaction. Returns the commit's error, if it failed. */
  flush(): unknown {
    this.scheduled = false;
    if (this.queue.length === 0) return undefined;
    const batch = this.queue;
    this.queue = [];
    const before = this.log.stateText;
    let stored: StoredEvent[] | undefined;
    let failure: unknown;
    try {
      stored = this.log.commit(
        batch.map((b) => b.event),
        'after-append-before-send',
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
