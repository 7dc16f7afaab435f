// PostgreSQL store: a run's appends may be sent back to back, the next expecting the head the one before it leaves
// (the store's pipelineDepth is 2). They go out in the order called on one connection and are applied in that
// order; one sent behind an append that does not land fails with CONFLICT (never as tampering, although its
// expected hash is then wrong); a connection lost under both resolves them in order, each written once.
import { describe, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import { ev, started } from '../helpers.js';
import { collect, createRun, directClient, lockWaiters, usePg } from './helpers.js';

// A server of its own: this file counts lock waiters and terminates backends server-wide.
const ctx = usePg({ fsync: false, own: true });

const direct = (schema: string) => directClient(ctx.pg.url, schema);
const waiters = lockWaiters;
type Direct = Awaited<ReturnType<typeof direct>>;

/** Backends other than `c`'s that are running an append. */
async function appendBackends(c: Direct): Promise<number> {
  const r = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE state = 'active' AND query LIKE '%append_events%' AND pid <> pg_backend_pid()`,
  );
  return r.rows[0].n;
}

async function setUp() {
  const schema = ctx.pg.schema();
  const store = await ctx.open({ schema });
  const run = await createRun(store);
  await store.append(run, 0, [ev('RUN_CREATED')]);
  return { schema, run, store };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'landed',
    (err: unknown) => (err instanceof PhasedError ? err.code : String(err)),
  );

describe('PostgreSQL appends sent back to back', () => {
  it('go out on one connection in the order called and land in that order', async () => {
    const { schema, run, store } = await setUp();
    expect(store.pipelineDepth).toBe(2);
    const blocker = await direct(schema);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM run_heads WHERE run_id = $1 FOR UPDATE', [run]);
      const first = store.append(run, 1, [started('a', 'p1'), started('a', 'p2')]);
      const second = store.append(run, 3, [started('a', 'p3')]);
      await waiters(blocker, 1);
      // The second is queued behind the first on the same backend, not waiting on the head from a second one.
      expect(await appendBackends(blocker)).toBe(1);
      await blocker.query('COMMIT');
      expect((await first).map((e) => e.seq)).toEqual([2, 3]);
      expect((await second).map((e) => e.seq)).toEqual([4]);
      const log = await collect(store.events(run));
      expect(log.map((e) => (e.type === 'UNIT_STARTED' ? JSON.parse(e.data).partition : e.type))).toEqual([
        'RUN_CREATED',
        'p1',
        'p2',
        'p3',
      ]);
      expect(await store.verifyChain(run)).toEqual({ ok: true, count: 4 });
    } finally {
      await blocker.end();
    }
  });

  it('one sent behind an append that lost to another writer fails with CONFLICT, and the log is the other’s', async () => {
    const { schema, run, store } = await setUp();
    const other = await ctx.open({ schema });
    // The other writer takes seq 2 with one event: the second append's expected seq then matches the head, but
    // its expected hash is the first's, which never landed.
    await other.append(run, 1, [ev('PAUSE_REQUESTED', { by: 'someone' })]);
    const first = codeOf(store.append(run, 1, [started('a', 'p1')]));
    const second = codeOf(store.append(run, 2, [started('a', 'p2')]));
    expect(await first).toBe('CONFLICT');
    expect(await second).toBe('CONFLICT');
    expect((await collect(store.events(run))).map((e) => e.type)).toEqual(['RUN_CREATED', 'PAUSE_REQUESTED']);
    expect(await store.verifyChain(run)).toEqual({ ok: true, count: 2 });
    expect(await store.units(run)).toEqual([]);
    // Nothing of theirs is remembered: the next append after the real head lands.
    expect((await store.append(run, 2, [started('a', 'p1')])).map((e) => e.seq)).toEqual([3]);
  });

  it('behind an append whose lease was taken over: nothing of either lands', async () => {
    const { run, store, schema } = await setUp();
    const mine = await store.acquireLease(run, 'me', 60_000);
    if (!mine.ok) throw new Error('no lease');
    const other = await ctx.open({ schema });
    const theirs = await other.acquireLease(run, 'them', 60_000, { canSteal: () => true });
    expect(theirs.ok).toBe(true);
    const first = codeOf(store.append(run, 1, [started('a', 'p1')], mine.token));
    const second = codeOf(store.append(run, 2, [started('a', 'p2')], mine.token));
    expect(await first).toBe('LEASE_LOST');
    expect(await second).toBe('CONFLICT');
    expect((await collect(store.events(run))).map((e) => e.seq)).toEqual([1]);
  });

  it('a connection lost under both: each is resolved in order and written once', async () => {
    const { schema, run, store } = await setUp();
    const blocker = await direct(schema);
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM run_heads WHERE run_id = $1 FOR UPDATE', [run]);
      const first = store.append(run, 1, [started('a', 'p1')]);
      const second = store.append(run, 2, [started('a', 'p2'), ev('PAUSE_REQUESTED', { by: 'x' })]);
      await waiters(blocker, 1);
      const killed = await blocker.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE query LIKE '%append_events%' AND pid <> pg_backend_pid()`,
      );
      expect(killed.rows[0].n).toBe(1);
      await waiters(blocker, 1); // the first's retry, on a new connection; the second waits for its outcome
      await blocker.query('COMMIT');
      expect((await first).map((e) => e.seq)).toEqual([2]);
      expect((await second).map((e) => e.seq)).toEqual([3, 4]);
      expect((await collect(store.events(run))).map((e) => e.type)).toEqual([
        'RUN_CREATED',
        'UNIT_STARTED',
        'UNIT_STARTED',
        'PAUSE_REQUESTED',
      ]);
      expect(await store.verifyChain(run)).toEqual({ ok: true, count: 4 });
    } finally {
      await blocker.end();
    }
  });
});
