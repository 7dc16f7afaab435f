// PostgreSQL store: an append whose connection is lost has an unknown outcome; the store resolves it by reading
// the seqs back. Real server behaviour through a cutting TCP proxy: a reply lost after the server committed, a
// request whose server backend commits after the client has gone, a backend terminated while it waits.
// Each time: the append returns its events, and the log holds them exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ev, started } from '../helpers.js';
import { collect, createRun, directClient, lockWaiters, usePg } from './helpers.js';
import { CuttingProxy } from './proxy.js';

// A server of its own: this file counts lock waiters and terminates backends server-wide.
const ctx = usePg({ fsync: false, own: true });
let proxy: CuttingProxy;

beforeEach(async () => {
  proxy = new CuttingProxy(ctx.pg.port);
  await proxy.start();
});
afterEach(async () => {
  await proxy.stop();
});

function viaProxy(): string {
  const u = new URL(ctx.pg.url);
  u.port = String(proxy.port);
  return u.toString();
}

const direct = (schema: string) => directClient(ctx.pg.url, schema);
const waiters = lockWaiters;

async function setUp() {
  const schema = ctx.pg.schema();
  const store = await ctx.open({ schema });
  const run = await createRun(store);
  await store.append(run, 0, [ev('RUN_CREATED')]);
  await store.close();
  const { openPgStore } = await import('../../../store/pg/index.js');
  const viaCut = await openPgStore(viaProxy(), { schema, retryForMs: 30_000 });
  return { schema, run, store: viaCut };
}

describe('PostgreSQL append with a lost connection', () => {
  it('the reply to a committed append is lost: the store reads the seq back and reports success, once', async () => {
    const { schema, run, store } = await setUp();
    try {
      proxy.hold();
      const cut = proxy.cutOn('phased_append', 'instead-of-reply');
      proxy.release();
      const appending = store.append(run, 1, [started('a', 'p1')]);
      await cut;
      // Before the store can reconnect, the server already holds the event: the commit happened, its reply did not.
      proxy.hold();
      const c = await direct(schema);
      const r = await c.query('SELECT seq::int, type FROM events WHERE run_id = $1 ORDER BY seq', [run]);
      await c.end();
      expect(r.rows).toEqual([
        { seq: 1, type: 'RUN_CREATED' },
        { seq: 2, type: 'UNIT_STARTED' },
      ]);
      proxy.release();
      const out = await appending;
      expect(out.map((e) => e.seq)).toEqual([2]);
      const log = await collect(store.events(run));
      expect(log.map((e) => e.type)).toEqual(['RUN_CREATED', 'UNIT_STARTED']);
      expect(await store.verifyChain(run)).toEqual({ ok: true, count: 2 });
      expect(await store.units(run)).toMatchObject([{ partition: 'p1', status: 'started' }]);
    } finally {
      await store.close();
    }
  });

  it('the client goes while its append waits on a lock: the orphan commits later, the retry does not double it', async () => {
    const { schema, run, store } = await setUp();
    const blocker = await direct(schema);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM run_heads WHERE run_id = $1 FOR UPDATE', [run]);
      const cut = proxy.cutOn('phased_append', 'after-request');
      const appending = store.append(run, 1, [started('a', 'p1')]);
      await cut;
      // The orphaned request and the store's retry both wait for the row; the orphan is first in line.
      await waiters(blocker, 2);
      await blocker.query('COMMIT');
      const out = await appending;
      expect(out.map((e) => e.seq)).toEqual([2]);
      const log = await collect(store.events(run));
      expect(log.map((e) => e.seq)).toEqual([1, 2]);
      expect(await store.verifyChain(run)).toEqual({ ok: true, count: 2 });
    } finally {
      await blocker.end();
      await store.close();
    }
  });

  it('the server terminates the append’s backend mid-transaction: nothing was written, the retry writes it once', async () => {
    const { schema, run, store } = await setUp();
    const blocker = await direct(schema);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM run_heads WHERE run_id = $1 FOR UPDATE', [run]);
      const appending = store.append(run, 1, [started('a', 'p1'), ev('PAUSE_REQUESTED', { by: 'x' })]);
      await waiters(blocker, 1);
      const killed = await blocker.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND query LIKE '%append_events%' AND pid <> pg_backend_pid()`,
      );
      expect(killed.rows[0].n).toBe(1);
      await waiters(blocker, 1); // the retry, on a new connection
      await blocker.query('COMMIT');
      const out = await appending;
      expect(out.map((e) => e.seq)).toEqual([2, 3]);
      expect((await collect(store.events(run))).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await store.verifyChain(run)).toEqual({ ok: true, count: 3 });
    } finally {
      await blocker.end();
      await store.close();
    }
  });

  it('another writer took the seq while the outcome was in doubt: CONFLICT, and its events stay', async () => {
    const { schema, run, store } = await setUp();
    const other = await ctx.open({ schema });
    const blocker = await direct(schema);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM run_heads WHERE run_id = $1 FOR UPDATE', [run]);
      const appending = store.append(run, 1, [started('a', 'mine')]).catch((e: unknown) => e);
      await waiters(blocker, 1);
      // The blocker appends first (as another process would), then the store's backend is terminated.
      await blocker.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND query LIKE '%append_events%' AND pid <> pg_backend_pid()`,
      );
      // The other writer queues for the row while the store's retry is still pausing: it gets the seq first.
      const theirs = other.append(run, 1, [started('b', 'theirs')]);
      await waiters(blocker, 1);
      await blocker.query('ROLLBACK');
      await theirs;
      expect(await appending).toMatchObject({ code: 'CONFLICT' });
      const log = await collect(store.events(run));
      expect(log.map((e) => JSON.parse(e.data).partition ?? null)).toEqual([null, 'theirs']);
    } finally {
      await blocker.end();
      await store.close();
    }
  });

  it('the reply to a committed createRun is lost: the retry finds its own row and succeeds', async () => {
    const { store } = await setUp();
    try {
      const cut = proxy.cutOn('phased_create_run', 'instead-of-reply');
      const creating = createRun(store, 'second');
      await cut;
      await creating;
      expect((await store.listRuns()).map((r) => r.runId).sort()).toEqual(['run-1', 'second']);
      // A different run under the same id is still refused.
      await expect(
        store.createRun({ ...(await store.requireRun('second')), planHash: 'other' }),
      ).rejects.toMatchObject({
        code: 'BAD_ARGUMENT',
      });
    } finally {
      await store.close();
    }
  });
});
