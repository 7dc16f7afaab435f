// Shared set-up for the PostgreSQL store tests: a real server (the suite's, or the file's own; test/support/pg.ts), a fresh
// schema per store, every store closed after its test; async run and append helpers over the EventStore API.

import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { EventStore } from '../../../store/api.js';
import type { NewEvent, StoredEvent } from '../../../store/index.js';
import { openPgStore, type PgEventStore, type PgStoreOptions } from '../../../store/pg/index.js';
import { startTestPg, type TestPg } from '../../support/pg.js';

export interface PgCtx {
  pg: TestPg;
  /** A store on a fresh schema (or on `schema` when given, to open a second client on the same one). */
  open(opts?: PgStoreOptions): Promise<PgEventStore>;
}

/** Registers the file's server and per-test cleanup; use `ctx` inside tests. */
export function usePg(serverOpts: { fsync?: boolean; own?: boolean } = { fsync: false }): PgCtx {
  const open: PgEventStore[] = [];
  const ctx = { pg: undefined as unknown as TestPg } as PgCtx;
  beforeAll(async () => {
    ctx.pg = await startTestPg(serverOpts);
  });
  ctx.open = async (opts = {}) => {
    const s = await openPgStore(ctx.pg.url, {
      schema: opts.schema ?? ctx.pg.schema(),
      retryForMs: 20_000,
      ...opts,
    });
    open.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  afterAll(async () => {
    await ctx.pg?.stop();
  });
  return ctx;
}

/** The store tests' run, created through the interface (the same helper the contract suite uses). */
export { newRun as createRun } from '../helpers.js';

/** Appends after the current head. */
export async function appendAll(
  store: EventStore,
  runId: string,
  events: NewEvent[],
): Promise<StoredEvent[]> {
  return store.append(runId, (await store.head(runId)).seq, events);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A plain client on `schema` of the server at `url`, outside any store (to hold locks, count waiters, kill backends). */
export async function directClient(url: string, schema: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await c.connect();
  return c;
}

/** Resolves once `n` lock requests are waiting, server-wide. */
export async function lockWaiters(c: pg.Client, n: number): Promise<void> {
  for (;;) {
    const r = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted');
    if (r.rows[0].n >= n) return;
    await new Promise((res) => setTimeout(res, 10));
  }
}
