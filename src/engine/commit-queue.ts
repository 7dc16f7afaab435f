// Group commit for the driver: events that arrive in the same event-loop turn share one transaction.
// It owns ordering and batching only; what to append and when work may start is the caller's business.

import type { RunEvent } from '../../machines/index.js';
import type { RunLog } from './run-log.js';

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
    /** Called after every flush (the driver wakes its loop). */
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

  /** Make everything queued durable now, in one transaction. */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.log.commit(
        batch.map((b) => b.event),
        'after-append-before-send',
      );
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
    this.flushed();
  }
}
