// PostgreSQL store: the server restarts while a writer appends. Reads and appends ride over the outage (retried,
// in-doubt commits read back), and afterwards the log holds every append exactly once, gapless and verified.
import { describe, expect, it } from 'vitest';
import { ev, started } from '../helpers.js';
import { collect, createRun, usePg } from './helpers.js';

// A server of its own: this file restarts the server.
const ctx = usePg({ fsync: false, own: true });

describe('PostgreSQL restart in the middle of appends', () => {
  it('loses and duplicates nothing', async () => {
    const store = await ctx.open();
    const run = await createRun(store);
    const token = await store.acquireLease(run, 'driver', 600_000);
    if (!token.ok) throw new Error('no lease');
    await store.append(run, 0, [ev('RUN_CREATED')], token.token);
    let seq = 1;
    let restarting: Promise<void> | undefined;
    const total = 60;
    const writer = (async () => {
      for (let i = 0; i < total; i++) {
        const out = await store.append(run, seq, [started('a', `p${i}`)], token.token);
        seq = out[out.length - 1].seq;
        if (i === 10) {
          // Restart, and go on appending once the server is down: the next appends meet the outage.
          restarting = ctx.pg.restart();
          await serverDown();
        }
      }
    })();
    await writer;
    await restarting;
    const log = await collect(store.events(run));
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: total + 1 }, (_, i) => i + 1));
    expect(log.slice(1).map((e) => JSON.parse(e.data).partition)).toEqual(
      Array.from({ length: total }, (_, i) => `p${i}`),
    );
    expect(await store.verifyChain(run)).toEqual({ ok: true, count: total + 1 });
    expect((await store.units(run)).length).toBe(total);
    expect(await store.renewLease(run, token.token, 600_000)).toBe(true);
  });
});

/** Resolves once a fresh connection to the server fails (it is shutting down or down). */
async function serverDown(): Promise<void> {
  for (;;) {
    try {
      await ctx.pg.sql('SELECT 1');
    } catch {
      return;
    }
  }
}
