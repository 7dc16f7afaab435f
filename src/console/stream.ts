// Server-Sent Events: each subscriber gets every event after its Last-Event-ID (or `from`), in seq order, none
// skipped, then each new one as it is appended; a `head` message with the run's counters follows each batch.
// New events are found by a cheap head lookup per watched run: at once when the database's WAL file changes (another
// process appended) or a driver in this process pokes, and every few ms regardless; a slow reader is paged with
// back-pressure, never handed the whole log at once.

import { type FSWatcher, watch } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { EventStore } from '../../store/index.js';
import { STREAM_EVENT, STREAM_HEAD, type StreamHead } from './api-types.js';
import { eventEntry } from './events.js';

const PAGE = 1000;
const PING_MS = 15_000;

interface Subscriber {
  runId: string;
  res: ServerResponse;
  sent: number;
  busy: boolean;
  closed: boolean;
}

export class StreamHub {
  private readonly subs = new Set<Subscriber>();
  private timer?: NodeJS.Timeout;
  private ping?: NodeJS.Timeout;
  private wal?: FSWatcher;
  private scheduled = false;
  private polling = false;

  constructor(
    private readonly store: EventStore,
    private readonly headOf: (runId: string) => Promise<StreamHead>,
    private readonly pollMs = 10,
  ) {}

  get size(): number {
    return this.subs.size;
  }

  subscribe(runId: string, res: ServerResponse, afterSeq: number): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    // Busy until the first head is written: polls leave it alone, so the head comes before any event.
    const sub: Subscriber = { runId, res, sent: afterSeq, busy: true, closed: false };
    this.subs.add(sub);
    res.on('close', () => {
      sub.closed = true;
      this.subs.delete(sub);
      if (this.subs.size === 0) this.stopTimers();
    });
    this.startTimers();
    void (async () => {
      try {
        await this.writeHead(sub);
      } catch (err) {
        sub.busy = false;
        return this.fail(sub, err);
      }
      sub.busy = false;
      await this.pump(sub);
    })();
  }

  /** Look for new events now (a driver in this process appended). */
  poke(): void {
    if (this.scheduled || this.subs.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.poll();
    });
  }

  close(): void {
    this.stopTimers();
    for (const s of this.subs) s.res.end();
    this.subs.clear();
  }

  private startTimers(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.ping = setInterval(() => {
      for (const s of this.subs) s.res.write(': ping\n\n');
    }, PING_MS);
    // SQLite: another process's append shows as a change of the WAL file, seen before the next tick.
    if (this.store.backend !== 'sqlite') return;
    try {
      this.wal = watch(`${this.store.location}-wal`, { persistent: false }, () => this.poke());
      this.wal.on('error', () => this.wal?.close());
    } catch {
      // No WAL file to watch (yet): the timer alone finds new events.
    }
  }

  private stopTimers(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.ping) clearInterval(this.ping);
    this.wal?.close();
    this.timer = undefined;
    this.ping = undefined;
    this.wal = undefined;
  }

  /** One head lookup per watched run; a poll still reading when the next is due lets it pass. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const heads = new Map<string, number>();
      for (const s of [...this.subs]) {
        if (s.busy || s.closed) continue;
        let head = heads.get(s.runId);
        if (head === undefined) {
          head = (await this.store.head(s.runId)).seq;
          heads.set(s.runId, head);
        }
        if (head > s.sent && !s.busy) void this.pump(s);
      }
    } catch {
      // A run that left the database: its subscribers' next page read ends their streams with the error.
    } finally {
      this.polling = false;
    }
  }

  /** Send everything after `sent` up to the head, a page at a time, waiting for the socket to drain. */
  private async pump(sub: Subscriber): Promise<void> {
    if (sub.busy) return;
    sub.busy = true;
    try {
      let moved = false;
      for (;;) {
        if (sub.closed) return;
        const page = await this.store.readEvents(sub.runId, sub.sent + 1, PAGE);
        if (page.length === 0) break;
        let chunk = '';
        for (const e of page) {
          chunk += `id: ${e.seq}\nevent: ${STREAM_EVENT}\ndata: ${JSON.stringify(eventEntry(e))}\n\n`;
        }
        sub.sent = page[page.length - 1].seq;
        moved = true;
        if (!sub.res.write(chunk)) await new Promise<void>((r) => sub.res.once('drain', () => r()));
        if (page.length < PAGE) break;
      }
      if (moved && !sub.closed) await this.writeHead(sub);
    } catch (err) {
      this.fail(sub, err);
    } finally {
      sub.busy = false;
    }
  }

  private fail(sub: Subscriber, err: unknown): void {
    if (sub.closed) return;
    sub.res.write(`event: error\ndata: ${JSON.stringify({ error: (err as Error).message })}\n\n`);
    sub.res.end();
  }

  private async writeHead(sub: Subscriber): Promise<void> {
    const head = await this.headOf(sub.runId);
    if (!sub.closed) sub.res.write(`event: ${STREAM_HEAD}\ndata: ${JSON.stringify(head)}\n\n`);
  }
}
