// The store's connection pool: reads retried across lost connections (they are idempotent), writes sent once
// (their callers decide what a lost connection means), transactions on one pooled client; a condition of the
// server (read-only, out of disk, …) leaves it as a PhasedError (errors.ts serverError).
// Owns connection settings (schema on the search path, statement timeout, application name) and int8 parsing.

import pg from 'pg';
import { isConnectionLost, serverError, unavailable } from './errors.js';
import type { PgTarget } from './url.js';

export interface PgOptions {
  /** Pool size; default 10. */
  max?: number;
  /** Server-side statement_timeout in ms; default 30 s. */
  statementTimeoutMs?: number;
  /** How long reads (and in-doubt appends) keep retrying a lost connection; default 60 s. */
  retryForMs?: number;
  applicationName?: string;
}

export type Query = { name?: string; text: string; values?: unknown[] };

const INT8_OID = 20;
// seq, counts and epochs are int8; every value the store writes fits a double exactly.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export class Db {
  readonly pool: pg.Pool;
  readonly retryForMs: number;

  constructor(
    readonly target: PgTarget,
    opts: PgOptions = {},
    readonly: boolean,
  ) {
    this.retryForMs = opts.retryForMs ?? 60_000;
    // Pipelining lets one run's appends follow each other on a connection without waiting (lane.ts); a client
    // used one query at a time behaves as before.
    this.pool = new pg.Pool({ ...this.clientConfig(opts, readonly, opts.max ?? 10), pipeline: true });
    // An idle client whose server went away emits 'error'; the pool drops it and the next query reconnects.
    this.pool.on('error', () => {});
  }

  /** Settings for one connection (the pool's, or a dedicated listener's). */
  clientConfig(opts: PgOptions, readonly: boolean, max?: number): pg.PoolConfig {
    const settings = [
      `-c search_path=${this.target.schema}`,
      `-c statement_timeout=${opts.statementTimeoutMs ?? 30_000}`,
      '-c idle_in_transaction_session_timeout=60000',
    ];
    if (readonly) settings.push('-c default_transaction_read_only=on');
    if (this.target.options) settings.push(this.target.options);
    return {
      connectionString: this.target.connectionString,
      application_name: opts.applicationName ?? 'phased',
      options: settings.join(' '),
      connectionTimeoutMillis: 10_000,
      types,
      ...(max === undefined ? {} : { max, idleTimeoutMillis: 30_000 }),
    };
  }

  /** One statement, sent once: a lost connection is the caller's to interpret. */
  async once<T = Record<string, unknown>>(q: Query): Promise<T[]> {
    try {
      return (await this.pool.query(q)).rows as T[];
    } catch (err) {
      throw serverError(err, this.target);
    }
  }

  /** An idempotent read, retried with backoff while the connection is lost (up to retryForMs). */
  async read<T = Record<string, unknown>>(q: Query, what = 'read the event store'): Promise<T[]> {
    return this.retrying(() => this.once<T>(q), what);
  }

  /** Runs `f` until it succeeds or fails with something other than a lost connection. */
  async retrying<T>(f: () => Promise<T>, what: string): Promise<T> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await f();
      } catch (err) {
        if (!isConnectionLost(err)) throw err;
        if (Date.now() >= deadline) throw unavailable(this.target, what, err);
        await pause(attempt);
      }
    }
  }

  /** `f` inside BEGIN … COMMIT on one client; rolled back if it throws. Not retried. */
  async tx<T>(f: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const c = await this.pool.connect().catch((err: unknown) => {
      throw serverError(err, this.target);
    });
    let broken = false;
    try {
      await c.query(begin);
      const out = await f(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      broken = isConnectionLost(err);
      if (!broken) await c.query('ROLLBACK').catch(() => {});
      throw serverError(err, this.target);
    } finally {
      c.release(broken);
    }
  }

  private ended = false;

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}

/** Backoff between retries: 50 ms doubling to 1 s. */
export function pause(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
}
