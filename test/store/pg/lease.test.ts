// PostgreSQL store: leases carry a fencing epoch. Every change of hands moves it on; an append or renewal with an
// older token fails (LEASE_LOST / false) however long its writer was away; daemons claim runs with SKIP LOCKED.
import { describe, expect, it } from 'vitest';
import type { LeaseToken } from '../../../store/api.js';
import { ev, started } from '../helpers.js';
import { collect, createRun, usePg } from './helpers.js';

const ctx = usePg();
const MINUTE = 60_000;

function tokenOf(g: { ok: boolean; token?: LeaseToken }): LeaseToken {
  if (!g.ok || !g.token) throw new Error(`lease not granted: ${JSON.stringify(g)}`);
  return g.token;
}

describe('PostgreSQL leases', () => {
  it('is exclusive, and moves the epoch on at each change of hands (not when its holder takes it again)', async () => {
    const a = await ctx.open();
    const b = await ctx.open({ schema: a.schema });
    const run = await createRun(a);
    const first = tokenOf(await a.acquireLease(run, 'host-a:1', MINUTE));
    expect(first).toEqual({ owner: 'host-a:1', epoch: 1 });
    const denied = await b.acquireLease(run, 'host-b:2', MINUTE);
    expect(denied).toMatchObject({ ok: false, owner: 'host-a:1' });
    expect(denied.ok === false && Date.parse(denied.expiresAt)).toBeGreaterThan(Date.now());
    expect(tokenOf(await a.acquireLease(run, 'host-a:1', MINUTE))).toEqual(first);
    const stolen = await b.acquireLease(run, 'host-b:2', MINUTE, { canSteal: (o) => o === 'host-a:1' });
    expect(stolen).toEqual({ ok: true, token: { owner: 'host-b:2', epoch: 2 }, from: 'host-a:1' });
    expect((await a.requireRun(run)).owner).toBe('host-b:2');
  });

  it('an expired lease is free; renew and release work only with the current token', async () => {
    const store = await ctx.open();
    const run = await createRun(store);
    const old = tokenOf(await store.acquireLease(run, 'old', 0));
    const next = tokenOf(await store.acquireLease(run, 'new', MINUTE));
    expect(next.epoch).toBe(old.epoch + 1);
    expect(await store.renewLease(run, old, MINUTE)).toBe(false);
    const before = (await store.requireRun(run)).leaseExpiresAt ?? '';
    expect(await store.renewLease(run, next, 10 * MINUTE)).toBe(true);
    expect(Date.parse((await store.requireRun(run)).leaseExpiresAt ?? '')).toBeGreaterThan(
      Date.parse(before),
    );
    await store.releaseLease(run, old);
    expect((await store.requireRun(run)).owner).toBe('new');
    await store.releaseLease(run, next);
    expect(await store.requireRun(run)).toMatchObject({ owner: null, leaseExpiresAt: null });
    // Taking it again after a release is a change of hands: a token from before the release stays dead.
    const again = tokenOf(await store.acquireLease(run, 'new', MINUTE));
    expect(again.epoch).toBe(next.epoch + 1);
    await expect(store.append(run, 0, [ev('RUN_CREATED')], next)).rejects.toMatchObject({
      code: 'LEASE_LOST',
    });
    await expect(store.acquireLease('ghost', 'me', MINUTE)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('an append with a token from before a takeover fails with LEASE_LOST and appends nothing', async () => {
    const driver = await ctx.open();
    const other = await ctx.open({ schema: driver.schema });
    const run = await createRun(driver);
    const mine = tokenOf(await driver.acquireLease(run, 'driver-1', 0));
    await driver.append(run, 0, [ev('RUN_CREATED')], mine);
    // The driver freezes past its lease; another process takes the run over and appends.
    const theirs = tokenOf(await other.acquireLease(run, 'driver-2', MINUTE));
    expect(theirs.epoch).toBe(mine.epoch + 1);
    await other.append(run, 1, [ev('DRIVER_ATTACHED', { pid: 2 })], theirs);
    // The first driver wakes with its old token, at the head it knew and at the real head: refused either way.
    for (const expected of [1, 2]) {
      await expect(driver.append(run, expected, [started('a', 'p1')], mine)).rejects.toMatchObject({
        code: 'LEASE_LOST',
      });
    }
    expect(await driver.renewLease(run, mine, MINUTE)).toBe(false);
    const log = await collect(driver.events(run));
    expect(log.map((e) => e.type)).toEqual(['RUN_CREATED', 'DRIVER_ATTACHED']);
    expect(await driver.units(run)).toEqual([]);
    // The same owner name with an old epoch is refused too (a restarted process reusing its owner id).
    await expect(
      other.append(run, 2, [started('a', 'p1')], { owner: 'driver-2', epoch: theirs.epoch - 1 }),
    ).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await other.append(run, 2, [started('a', 'p1')], theirs);
    expect(await other.verifyChain(run)).toEqual({ ok: true, count: 3 });
  });

  it('an append in flight when the lease is taken over fails with LEASE_LOST once it gets to commit', async () => {
    const a = await ctx.open();
    const b = await ctx.open({ schema: a.schema });
    const run = await createRun(a);
    const t1 = tokenOf(await a.acquireLease(run, 'a', MINUTE));
    await a.append(run, 0, [ev('RUN_CREATED')], t1);
    // Hold the run's head row so the next append is in flight, blocked inside its transaction.
    const { default: pg } = await import('pg');
    const blocker = new pg.Client({ connectionString: ctx.pg.url, options: `-c search_path=${a.schema}` });
    await blocker.connect();
    let inFlight: Promise<unknown> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM run_heads WHERE run_id = $1 FOR UPDATE', [run]);
      inFlight = a.append(run, 1, [started('a', 'p1')], t1).catch((err: unknown) => err);
      await waitForLockWaiter(blocker, 1);
      const t2 = tokenOf(await b.acquireLease(run, 'b', MINUTE, { canSteal: () => true }));
      expect(t2.epoch).toBe(t1.epoch + 1);
      await blocker.query('COMMIT');
    } finally {
      await blocker.end();
    }
    expect(await inFlight).toMatchObject({ code: 'LEASE_LOST' });
    expect((await collect(a.events(run))).map((e) => e.type)).toEqual(['RUN_CREATED']);
    expect(await a.units(run)).toEqual([]);
  });

  it('claimRuns: two daemons claiming at once split the claimable runs, each run claimed once', async () => {
    const a = await ctx.open();
    const b = await ctx.open({ schema: a.schema });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await createRun(a, `run-${String(i).padStart(2, '0')}`));
    // Finished and paused runs are not claimable; neither is a run with a live lease.
    await a.append('run-00', 0, [ev('RUN_SUCCEEDED', {}, { status: 'succeeded' })]);
    await a.append('run-01', 0, [ev('PAUSED', {}, { status: 'paused' })]);
    await a.acquireLease('run-02', 'someone', MINUTE);
    const [ca, cb] = await Promise.all([
      a.claimRuns('daemon-a', 20, MINUTE),
      b.claimRuns('daemon-b', 20, MINUTE),
    ]);
    const claimed = [...ca, ...cb].map((c) => c.runId).sort();
    expect(claimed).toEqual(ids.slice(3));
    for (const c of [...ca, ...cb]) {
      const row = await a.requireRun(c.runId);
      expect(row.owner).toBe(c.token.owner);
      await expect(a.append(c.runId, 0, [ev('RUN_CREATED')], c.token)).resolves.toHaveLength(1);
    }
    expect(await a.claimRuns('daemon-c', 20, MINUTE)).toEqual([]);
  });

  it('claimRuns skips rows another claimer holds locked instead of waiting for them', async () => {
    const a = await ctx.open();
    await createRun(a, 'locked');
    await createRun(a, 'free');
    const { default: pg } = await import('pg');
    const other = new pg.Client({ connectionString: ctx.pg.url, options: `-c search_path=${a.schema}` });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query("SELECT 1 FROM runs WHERE run_id = 'locked' FOR UPDATE");
      const got = await a.claimRuns('daemon', 10, MINUTE);
      expect(got.map((c) => c.runId)).toEqual(['free']);
      await other.query('ROLLBACK');
    } finally {
      await other.end();
    }
    expect((await a.claimRuns('daemon-2', 10, MINUTE)).map((c) => c.runId)).toEqual(['locked']);
  });
});

/** Polls pg_locks until `n` backends wait for a lock (no sleeping on wall-clock guesses). */
async function waitForLockWaiter(c: { query: (q: string) => Promise<{ rows: { n: number }[] }> }, n: number) {
  for (;;) {
    const r = await c.query('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted');
    if (r.rows[0].n >= n) return;
    await new Promise((res) => setTimeout(res, 10));
  }
}
