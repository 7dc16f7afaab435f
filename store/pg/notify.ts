// changeMark() on PostgreSQL: one listening connection per store (LISTEN on the schema's channel, which every
// append, new run and lease change notifies in its transaction) and a counter of what it heard. While it is not
// listening (not yet connected, or the connection dropped) the mark falls back to the run heads' totals.

import pg from 'pg';
import type { Db } from './db.js';

const RELISTEN_AFTER_MS = 5000;

export class ChangeMarks {
  private client?: pg.Client;
  private listening = false;
  private starting?: Promise<void>;
  private lastTry = 0;
  private closed = false;
  /** Bumped on each notification, and on each (re)connection (changes may have been missed while away). */
  private counter = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
  ) {}

  async mark(): Promise<string> {
    if (!this.listening && !this.starting && !this.closed && Date.now() - this.lastTry >= RELISTEN_AFTER_MS) {
      this.lastTry = Date.now();
      this.starting = this.listen().finally(() => {
        this.starting = undefined;
      });
    }
    if (this.starting) await this.starting;
    if (this.listening) return `n:${this.counter}`;
    const rows = await this.db.read<{ runs: number; seqs: number; at: string | null }>({
      text: 'SELECT count(*) AS runs, coalesce(sum(head_seq), 0)::bigint AS seqs, max(updated_at) AS at FROM run_heads',
    });
    const r = rows[0];
    return `h:${r.runs}:${r.seqs}:${r.at ?? ''}`;
  }

  /** Resolves at the next notification (or after `timeoutMs`); daemons wait on this between polls. */
  async waitForChange(timeoutMs: number): Promise<void> {
    await this.mark();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(this.config);
    const drop = () => {
      if (this.client !== client) return;
      this.listening = false;
      this.client = undefined;
      client.end().catch(() => {});
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', () => {
      this.counter++;
      for (const w of [...this.waiters]) w();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.client = client;
      this.listening = true;
      this.counter++;
    } catch {
      await client.end().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.starting) await this.starting;
    const c = this.client;
    this.client = undefined;
    this.listening = false;
    for (const w of [...this.waiters]) w();
    if (c) await c.end().catch(() => {});
  }
}
