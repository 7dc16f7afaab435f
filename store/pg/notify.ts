// changeMark() on PostgreSQL, in two parts. Commands, new runs, status changes and lease changes NOTIFY the
// schema's channel in their transaction; one listening connection per store counts what it hears (at once). A
// driver's routine unit appends do not notify (it would serialize every commit), so the mark also carries the
// run heads' totals, read at most every PROGRESS_MS: progress shows within that, at one small query per period.
// While not listening (not yet connected, or the connection dropped) only the totals move the mark.

import pg from 'pg';
import type { Db } from './db.js';

const RELISTEN_AFTER_MS = 5000;
const PROGRESS_MS = 200;

export class ChangeMarks {
  private client?: pg.Client;
  private listening = false;
  private starting?: Promise<void>;
  private lastTry = 0;
  private closed = false;
  /** Bumped on each notification, and on each (re)connection (changes may have been missed while away). */
  private counter = 0;
  private readonly waiters = new Set<() => void>();
  private progress?: { at: number; value: string };

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
    return `${this.listening ? this.counter : '-'}:${await this.heads()}`;
  }

  /** The run heads' totals (runs, summed head seqs), at most PROGRESS_MS old. */
  private async heads(): Promise<string> {
    const now = Date.now();
    if (this.progress && now - this.progress.at < PROGRESS_MS) return this.progress.value;
    const rows = await this.db.read<{ runs: number; seqs: number }>({
      name: 'phased_heads_total',
      text: 'SELECT count(*) AS runs, coalesce(sum(head_seq), 0)::bigint AS seqs FROM run_heads',
    });
    this.progress = { at: now, value: `${rows[0].runs}:${rows[0].seqs}` };
    return this.progress.value;
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
