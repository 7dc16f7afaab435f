// A small pool of SQLite worker threads: FIFO dispatch to idle workers, crash and abort handling.
// It knows nothing of steps or gates; SqliteWarehouse turns requests into SQL jobs.

import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { UnitError } from '../../machines/index.js';
import type { WorkerInit, WorkerOp, WorkerOps, WorkerRequest, WorkerResponse } from './sqlite-protocol.js';
import { findWorkerScript, startWorker, takeSpareWorker, workerScriptCandidates } from './sqlite-spare.js';

interface Pending {
  id: number;
  op: WorkerOp;
  args: unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  current?: Pending;
}

/** The compiled worker module: beside this file when running from dist/, else the project's dist/ copy. */
export function workerScript(): URL {
  const found = findWorkerScript();
  if (found) return found;
  const places = workerScriptCandidates().map((u) => fileURLToPath(u));
  throw new UnitError(
    'INTERNAL',
    `SQLite worker module not found at ${places.join(', ')}; run \`npm run build\``,
    false,
  );
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly init: WorkerInit,
    private readonly size: number,
    private readonly script: URL = workerScript(),
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new UnitError('INTERNAL', `pool size must be ≥ 1, got ${size}`, false);
  }

  run<K extends WorkerOp>(
    op: K,
    args: WorkerOps[K]['args'],
    signal?: AbortSignal,
  ): Promise<WorkerOps[K]['result']> {
    if (this.closed)
      return Promise.reject(new UnitError('CANCELLED', 'the SQLite warehouse is closed', false));
    if (signal?.aborted) return Promise.reject(aborted(op));
    return new Promise((resolve, reject) => {
      const p: Pending = {
        id: this.nextId++,
        op,
        args,
        resolve: resolve as (v: unknown) => void,
        reject,
        signal,
      };
      if (signal) {
        p.onAbort = () => this.abort(p);
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.queue.push(p);
      this.pump();
    });
  }

  /** Workers currently running a request (diagnostics and tests). */
  busyWorkers(): Worker[] {
    return this.slots.filter((s) => s.current).map((s) => s.worker);
  }

  /** Idle workers close their connection; busy ones are terminated; queued requests are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0))
      this.settle(p, new UnitError('CANCELLED', 'the SQLite warehouse closed', false));
    const exits = this.slots.map((s) => {
      const exited = new Promise<void>((r) => s.worker.once('exit', () => r()));
      s.worker.ref();
      if (s.current || !s.ready) void s.worker.terminate();
      else s.worker.postMessage({ id: 0, op: 'close', args: {} } satisfies WorkerRequest<'close'>);
      return exited;
    });
    await Promise.all(exits);
  }

  private pump(): void {
    // Once closed, nothing is dispatched, and no worker close() waits for may be unref'd.
    if (this.closed) return;
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.ready && !s.current) ?? this.slots.find((s) => !s.current);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) break;
      this.assign(slot, this.queue.shift()!);
    }
    // A worker takes ~100 ms to start, a query often under 1 ms: an idle worker that is up takes a request still
    // waiting for a starting one (a resume's first reads would otherwise wait for a second worker to boot).
    for (const idle of this.slots) {
      if (!idle.ready || idle.current) continue;
      const starting = this.slots.find((s) => !s.ready && s.current);
      if (!starting) break;
      const p = starting.current!;
      starting.current = undefined;
      starting.worker.unref();
      this.assign(idle, p);
    }
  }

  /** Give `p` to `slot`; it is posted once the worker is up (a starting worker gets it when it reports ready). */
  private assign(slot: Slot, p: Pending): void {
    slot.current = p;
    slot.worker.ref();
    if (slot.ready) slot.worker.postMessage({ id: p.id, op: p.op, args: p.args } as WorkerRequest);
  }

  private spawn(): Slot {
    // A spare worker already booting (sqlite-spare.ts) is given its settings instead of starting a new one.
    const spare = takeSpareWorker(this.script);
    const worker = spare ?? startWorker(this.script, { workerData: this.init });
    if (spare) spare.postMessage(this.init);
    const slot: Slot = { worker, ready: false };
    worker.unref();
    worker.on('message', (msg: WorkerResponse) => {
      if ('ready' in msg) {
        slot.ready = true;
        const p = slot.current;
        if (p) slot.worker.postMessage({ id: p.id, op: p.op, args: p.args } as WorkerRequest);
        else this.pump();
        return;
      }
      const p = slot.current;
      if (!p || p.id !== msg.id) return;
      slot.current = undefined;
      // An idle worker must not keep the process alive; one that close() waits for must (until it exits).
      if (!this.closed) worker.unref();
      if (msg.ok) this.settle(p, undefined, msg.result);
      else this.settle(p, new UnitError(msg.error.code, msg.error.message, msg.error.retryable));
      this.pump();
    });
    worker.on('error', (err) => this.lost(slot, err));
    worker.on('exit', (code) => this.lost(slot, new Error(`exit code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  /** A worker died: its request fails retryably (a replace is all-or-nothing), a fresh worker takes the queue. */
  private lost(slot: Slot, cause: Error): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    const p = slot.current;
    slot.current = undefined;
    if (!slot.ready && !this.closed) {
      // It never opened its connection: every queued request would fail the same way.
      const err = new UnitError(
        'BACKEND',
        `SQLite worker failed to start on ${this.init.path}: ${cause.message}`,
        false,
      );
      for (const q of [...(p ? [p] : []), ...this.queue.splice(0)]) this.settle(q, err);
      return;
    }
    if (p) {
      this.settle(
        p,
        new UnitError(
          'BACKEND',
          `SQLite worker stopped during ${p.op} (${cause.message}); the unit is in doubt and re-running it is safe (the replace is idempotent)`,
          true,
        ),
      );
    }
    this.pump();
  }

  private abort(p: Pending): void {
    const queued = this.queue.indexOf(p);
    if (queued >= 0) this.queue.splice(queued, 1);
    const slot = this.slots.find((s) => s.current === p);
    if (slot) {
      // SQLite cannot be interrupted from here: retire the worker; a fresh one serves the queue.
      this.slots.splice(this.slots.indexOf(slot), 1);
      slot.current = undefined;
      void slot.worker.terminate();
      this.pump();
    }
    this.settle(p, aborted(p.op));
  }

  private settle(p: Pending, err?: Error, value?: unknown): void {
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
    if (err) p.reject(err);
    else p.resolve(value);
  }
}

function aborted(op: string): UnitError {
  return new UnitError('CANCELLED', `${op} was cancelled before it finished`, true);
}
