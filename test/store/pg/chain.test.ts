// PostgreSQL store: the hash chain verifies, and a row changed behind the store's back is reported at its seq;
// snapshots load back, and a tampered snapshot or a rewritten event under it is LOG_TAMPERED.
import { describe, expect, it } from 'vitest';
import { ev, started, succeeded } from '../helpers.js';
import { appendAll, collect, createRun, usePg } from './helpers.js';

const ctx = usePg();

async function sql(schema: string, text: string, values: unknown[] = []): Promise<void> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: ctx.pg.url, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    await c.query(text, values);
  } finally {
    await c.end();
  }
}

async function seeded(n: number) {
  const store = await ctx.open();
  const run = await createRun(store);
  await appendAll(store, run, [ev('RUN_CREATED', { planName: 'p' })]);
  for (let i = 1; i < n; i++)
    await appendAll(store, run, [i % 2 ? started('a', `p${i}`) : succeeded('a', `p${i - 1}`, i)]);
  return { store, run };
}

describe('PostgreSQL hash chain', () => {
  it('verifies a clean log, from the start or from a seq, and across pages', async () => {
    const { store, run } = await seeded(12);
    expect(await store.verifyChain(run)).toEqual({ ok: true, count: 12 });
    const big = await seeded(2);
    await appendAll(
      big.store,
      big.run,
      Array.from({ length: 2500 }, (_, i) => started('b', `p${i}`)),
    );
    expect(await big.store.verifyChain(big.run)).toEqual({ ok: true, count: 2502 });
    expect((await collect(big.store.events(big.run, { fromSeq: 3 }))).map((e) => e.seq)).toEqual(
      Array.from({ length: 2500 }, (_, i) => i + 3),
    );
    expect(await store.verifyChain(run, { fromSeq: 5 })).toEqual({ ok: true, count: 8 });
    const seen: number[] = [];
    const r = await store.verifyChain(run, {
      visit: (seq, _t, _d, state) => {
        seen.push(seq);
        return seq === 9 && state === '"active"' ? 'machine disagrees at 9' : undefined;
      },
    });
    expect(r).toEqual({ ok: false, count: 8, firstBadSeq: 9, reason: 'machine disagrees at 9' });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expect(store.verifyChain('ghost')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('reports an altered row, a deleted row and a truncated tail at their seq', async () => {
    const { store, run } = await seeded(10);
    await sql(
      store.schema,
      `UPDATE events SET data = '{"step":"a","partition":"evil"}' WHERE run_id = $1 AND seq = 6`,
      [run],
    );
    expect(await store.verifyChain(run)).toMatchObject({ ok: false, firstBadSeq: 6, count: 5 });
    expect((await store.verifyChain(run)).reason).toMatch(/seq 6: hash mismatch/);

    const b = await seeded(10);
    await sql(b.store.schema, 'DELETE FROM events WHERE run_id = $1 AND seq = 4', [b.run]);
    expect(await b.store.verifyChain(b.run)).toMatchObject({ ok: false, firstBadSeq: 4 });

    const c = await seeded(10);
    await sql(c.store.schema, 'DELETE FROM events WHERE run_id = $1 AND seq > 8', [c.run]);
    const r = await c.store.verifyChain(c.run);
    expect(r).toMatchObject({ ok: false, firstBadSeq: 9, count: 8 });
    expect(r.reason).toMatch(/truncated/);
  });

  it('planEvent finds the latest plan-fixing event and checks its own hash', async () => {
    const { store, run } = await seeded(4);
    expect(await store.planEvent(run)).toMatchObject({ seq: 1, type: 'RUN_CREATED', hashOk: true });
    await sql(store.schema, `UPDATE events SET data = '{"planName":"other"}' WHERE run_id = $1 AND seq = 1`, [
      run,
    ]);
    expect(await store.planEvent(run)).toMatchObject({ seq: 1, hashOk: false });
  });
});

describe('PostgreSQL snapshots', () => {
  it('saves, loads the newest at or before a seq, keeps three, and refuses a seq the log lacks', async () => {
    const { store, run } = await seeded(10);
    for (const seq of [2, 4, 6, 8]) await store.saveSnapshot(run, seq, { at: seq, nested: { v: [seq] } });
    expect(await store.latestSnapshot(run)).toMatchObject({
      seq: 8,
      snapshot: { at: 8, nested: { v: [8] } },
    });
    expect(await store.latestSnapshot(run, 5)).toMatchObject({ seq: 4 });
    expect(await store.latestSnapshot(run, 3)).toBeUndefined(); // seq 2 was pruned (three kept)
    await expect(store.saveSnapshot(run, 99, {})).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  it('detects a tampered snapshot and a rewritten event under it', async () => {
    const { store, run } = await seeded(6);
    await store.saveSnapshot(run, 4, { ok: true });
    await sql(store.schema, `UPDATE snapshots SET snapshot = '{"ok":false}' WHERE run_id = $1`, [run]);
    await expect(store.latestSnapshot(run)).rejects.toMatchObject({
      code: 'LOG_TAMPERED',
      details: { seq: 4 },
    });

    const b = await seeded(6);
    await b.store.saveSnapshot(b.run, 4, { ok: true });
    await sql(b.store.schema, `UPDATE events SET hash = 'x' WHERE run_id = $1 AND seq = 4`, [b.run]);
    await expect(b.store.latestSnapshot(b.run)).rejects.toThrow(/another hash/);
  });
});
