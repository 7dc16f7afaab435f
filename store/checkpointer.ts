// Moves the WAL's checkpoints off the writing thread. SQLite's automatic checkpoint runs inside the commit that
// crosses its threshold, on the thread that committed: for a driver that is the event loop, stalled 30–110 ms
// while the pages are copied and the files synced. Here a worker thread with its own connection to the same file
// runs PASSIVE checkpoints (they never block the writer, nor wait for it) after every so many commits, and the
// writer's own automatic checkpoint stays on at a higher threshold as a safety net. Crash safety is SQLite's: the
// WAL stays authoritative until a checkpoint has copied it, whichever connection copies it.
// Owns that worker and when it is asked; the pragmas of the writer's connection are open.ts's.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface CheckpointPolicy {
  /** Ask for a checkpoint after this many commits since the last ask… */
  commits: number;
  /** …or this many events, whichever comes first. */
  events: number;
}

/** About 1,000 WAL pages between checkpoints, both at one event per commit and at a 32-event group commit. */
export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { commits: 128, events: 2048 };

/**
 * The worker: a CommonJS script run from source (nothing to find beside a bundle), loading better-sqlite3 by the
 * path the parent resolved. It counts each finished 'checkpoint' in shared memory, which the writer reads without
 * waiting for its event loop to turn (a caller appending in a loop of resolved promises never lets it), and posts
 * a message for whoever awaits idle().
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const done = new Int32Array(workerData.done);
const db = new Database(workerData.file, { fileMustExist: true });
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    // The writer goes on meanwhile: a few more passes copy what it added, so the log is caught up at some moment,
    // and the writer's next transaction then starts the WAL file over instead of growing it.
    for (let pass = 0; pass < 4; pass++) {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      if (r.busy || r.checkpointed >= r.log) break;
    }
  } finally {
    Atomics.add(done, 0, 1);
    parentPort.postMessage('done');
  }
});
`;

export interface CheckpointerOptions {
  policy?: CheckpointPolicy;
  /** The writer's wal_autocheckpoint while the worker runs (its own is restored if the worker fails). */
  safetyNetPages: number;
  normalPages: number;
  /** better-sqlite3's entry module; tests pass a missing one to see the fallback. */
  driver?: string;
}

export class WalCheckpointer {
  private readonly policy: CheckpointPolicy;
  private worker: Worker | undefined;
  /** Failed or stopped: the writer checkpoints for itself from then on. */
  private off = false;
  /** Checkpoints asked for; the worker counts those it finished in `done`. */
  private asked = 0;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private commits = 0;
  private events = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly opts: CheckpointerOptions,
  ) {
    this.policy = opts.policy ?? DEFAULT_CHECKPOINT_POLICY;
  }

  /** Called after each commit of `events` events; asks the worker once the policy's threshold is crossed. */
  committed(events: number): void {
    this.commits++;
    this.events += events;
    if (this.off || this.busy) return;
    if (this.commits < this.policy.commits && this.events < this.policy.events) return;
    this.commits = 0;
    this.events = 0;
    const w = this.worker ?? this.start();
    if (!w) return;
    this.asked++;
    w.postMessage('checkpoint');
  }

  /** Checkpoints the worker finished (for tests and diagnostics). */
  get completed(): number {
    return Atomics.load(this.done, 0);
  }

  /** Whether a checkpoint asked for is not finished yet. */
  private get busy(): boolean {
    return this.worker !== undefined && this.completed < this.asked;
  }

  /** Whether the worker is running and the writer's own checkpoints are only the safety net. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Resolves once no checkpoint is in flight. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** Stops the worker (its connection closed first) and gives the writer its own checkpoints back. */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.detach();
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    // Waited for, so it must keep the process alive until it has gone (it is unref'd while it works).
    w.ref();
    w.postMessage('stop');
    await exited;
  }

  /** stop() without waiting, for a synchronous close: the worker's connection closes as the thread ends. */
  stopNow(): void {
    const w = this.worker;
    if (!w) return;
    this.detach();
    void w.terminate();
  }

  private start(): Worker | undefined {
    try {
      const driver = this.opts.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { driver, file: this.file, done: this.done.buffer },
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: 32 },
      });
      w.unref();
      w.on('message', () => this.settle());
      // A worker that fails is not retried: the writer checkpoints for itself again, as without one.
      w.on('error', () => this.fail(w));
      w.on('exit', () => this.fail(w));
      this.worker = w;
      this.setWriterPages(this.opts.safetyNetPages);
      return w;
    } catch {
      this.off = true;
      return undefined;
    }
  }

  private fail(w: Worker): void {
    if (this.worker !== w) return;
    this.detach();
  }

  private detach(): void {
    this.off = true;
    this.worker = undefined;
    this.setWriterPages(this.opts.normalPages);
    this.settle();
  }

  private settle(): void {
    if (this.busy) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const r of ws) r();
  }

  private setWriterPages(pages: number): void {
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${pages}`);
  }
}
