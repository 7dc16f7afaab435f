// PostgreSQL store: append numbers and chains events, moves the head and the runs row, writes all or nothing,
// and refuses a stale expected seq with CONFLICT.
import { describe, expect, it } from 'vitest';
import { eventHash } from '../../../store/index.js';
import { ev, started, succeeded } from '../helpers.js';
import { appendAll, collect, createRun, usePg } from './helpers.js';

const ctx = usePg();

describe('PostgreSQL append', () => {
  it('numbers events 1, 2, 3 … across appends, chains their hashes and moves the head', async () => {
    const store = await ctx.open();
    const run = await createRun(store);
    const first = await store.append(run, 0, [
      ev(
        'RUN_CREATED',
        { planName: 'p' },
        { status: 'running', state: 'prerequisites', at: '2025-01-01T00:00:00.000Z' },
      ),
      ev('PREREQS_PASSED', { checks: [] }),
    ]);
    const second = await store.append(run, 2, [
      ev('PAUSED', { by: 'me' }, { status: 'paused', state: { paused: {} }, at: '2025-01-01T00:00:01.000Z' }),
    ]);
    const all = [...first, ...second];
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(all[0].prevHash).toBe('');
    expect(all[1].prevHash).toBe(all[0].hash);
    expect(all[2].hash).toBe(eventHash(all[1].hash, run, 3, 'PAUSED', '{"by":"me"}'));
    expect(await store.head(run)).toEqual({ seq: 3, hash: all[2].hash });
    expect(await store.eventCount(run)).toBe(3);
    expect(await collect(store.events(run))).toEqual(all);
    expect(await store.readEvents(run, 2, 1)).toEqual([all[1]]);
    expect(await store.requireRun(run)).toMatchObject({
      status: 'paused',
      stateJson: '{"paused":{}}',
      headSeq: 3,
      updatedAt: '2025-01-01T00:00:01.000Z',
    });
    expect(await store.verifyChain(run)).toEqual({ ok: true, count: 3 });
  });

  it('refuses a stale or future expected seq with CONFLICT naming both seqs, and an unknown run', async () => {
    const store = await ctx.open();
    const run = await createRun(store);
    await appendAll(store, run, [ev('RUN_CREATED'), ev('PREREQS_PASSED')]);
    for (const stale of [0, 1, 5]) {
      await expect(store.append(run, stale, [ev('PAUSED')])).rejects.toMatchObject({
        code: 'CONFLICT',
        details: { expectedSeq: stale, headSeq: 2 },
      });
    }
    await expect(store.append('ghost', 0, [ev('RUN_CREATED')])).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
    expect(await store.head(run)).toMatchObject({ seq: 2 });
    expect(await store.append(run, 2, [])).toEqual([]);
    await expect(store.append(run, 1, [])).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('writes all the events or none: a bad event rolls the whole append back, projection included', async () => {
    const store = await ctx.open();
    const run = await createRun(store);
    await appendAll(store, run, [ev('RUN_CREATED')]);
    const paused = ev('PAUSED');
    const bogus = { ...paused, event: { ...paused.event, type: 'NOT_AN_EVENT' } } as unknown as ReturnType<
      typeof ev
    >;
    await expect(store.append(run, 1, [started('a', 'p1'), bogus])).rejects.toThrow(
      /unknown event type "NOT_AN_EVENT"/,
    );
    // A row the database itself refuses (attempts is NOT NULL) after the first event was inserted.
    const noAttempt = ev('UNIT_SUCCEEDED', { step: 'a', partition: 'p2', rows: 1 });
    await expect(store.append(run, 1, [started('a', 'p1'), noAttempt])).rejects.toThrow();
    expect(await store.head(run)).toMatchObject({ seq: 1 });
    expect(await store.units(run)).toEqual([]);
    expect((await store.requireRun(run)).headSeq).toBe(1);
    const ok = await store.append(run, 1, [started('a', 'p1'), succeeded('a', 'p1', 7)]);
    expect(ok.map((e) => e.seq)).toEqual([2, 3]);
    expect(await store.units(run)).toMatchObject([
      { step: 'a', partition: 'p1', status: 'succeeded', rows: 7 },
    ]);
    expect(await store.verifyChain(run)).toEqual({ ok: true, count: 3 });
  });

  it('replacePlan swaps the frozen plan and appends in one transaction', async () => {
    const store = await ctx.open();
    const run = await createRun(store);
    await appendAll(store, run, [ev('RUN_CREATED')]);
    await expect(
      store.replacePlan(run, '{"name":"v2"}', 'h2', 0, [
        ev('PLAN_CHANGE_ACCEPTED', { from: 'plan-hash', to: 'h2' }),
      ]),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store.views.planJson(run)).toBe('{"name":"nba-phase3-phase4"}');
    await store.replacePlan(run, '{"name":"v2"}', 'h2', 1, [
      ev('PLAN_CHANGE_ACCEPTED', { from: 'plan-hash', to: 'h2' }),
    ]);
    expect(await store.requireRun(run)).toMatchObject({
      planJson: '{"name":"v2"}',
      planHash: 'h2',
      headSeq: 2,
    });
    expect(await store.planEvent(run)).toMatchObject({ seq: 2, type: 'PLAN_CHANGE_ACCEPTED', hashOk: true });
  });

  it('two stores appending to one run at once: exactly one wins each seq and the log stays gapless', async () => {
    const a = await ctx.open();
    const b = await ctx.open({ schema: a.schema });
    const run = await createRun(a);
    const writers = [a, b].map(async (store, w) => {
      let wins = 0;
      for (let i = 0; i < 40; i++) {
        const head = (await store.head(run)).seq;
        try {
          await store.append(run, head, [started(`w${w}`, `p${i}`)]);
          wins++;
        } catch (err) {
          expect(err).toMatchObject({ code: 'CONFLICT' });
        }
      }
      return wins;
    });
    const wins = await Promise.all(writers);
    const events = await collect(a.events(run));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.length).toBe(wins[0] + wins[1]);
    expect(await a.verifyChain(run)).toEqual({ ok: true, count: events.length });
    expect((await a.units(run)).length).toBe(events.length);
  });
});
