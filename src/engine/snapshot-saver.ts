// Saves a run's snapshots without holding up its appends: a networked store writes one on another connection
// while the run log goes on (SQLite's is written before save returns). Owns the one-at-a-time queue and the error
// of a save that failed; when a snapshot is due, and what it holds, are the run log's.

import type { EventStore } from '../../store/index.js';
import { failpoint } from './failpoints.js';

export class SnapshotSaver {
  /** The snapshot being written, if one is, and the newest crossing waiting for it. */
  private saving: Promise<void> | undefined;
  private next: { seq: number; snapshot: unknown } | undefined;
  private error: unknown;
  /** Told when a snapshot could not be saved (the run goes on; its next rebuild folds more events). */
  onError?: (seq: number, err: unknown) => void;

  constructor(
    private readonly store: EventStore,
    private readonly runId: string,
  ) {}

  /**
   * Saves `snapshot` (the machine as of `seq`, whose events are durable). One at a time: a crossing met while one
   * is being written waits for it, and a newer crossing replaces a waiting one, so the newest is always saved. A
   * snapshot is a cache of the log: a save that fails (or is cut by a crash) only means a longer fold on the next
   * rebuild, so its error goes to onError and idle(), not to the commit whose events are durable.
   */
  save(seq: number, snapshot: unknown): void {
    if (this.saving) this.next = { seq, snapshot };
    else this.start(seq, snapshot);
  }

  private start(seq: number, snapshot: unknown): void {
    this.saving = this.store
      .saveSnapshot(this.runId, seq, snapshot, { beforeCommit: () => failpoint('during-snapshot') })
      .catch((err: unknown) => {
        this.error = err;
        this.onError?.(seq, err);
      })
      .finally(() => {
        this.saving = undefined;
        const next = this.next;
        this.next = undefined;
        if (next) this.start(next.seq, next.snapshot);
      });
  }

  /** Resolves once no snapshot is being written; the error of the last save that failed, if one did. */
  async idle(): Promise<unknown> {
    while (this.saving) await this.saving;
    const err = this.error;
    this.error = undefined;
    return err;
  }
}
