// The console's runs held in memory, read through the asynchronous store: concurrent first requests share one
// load, and concurrent requests that each advance a run fold every new event once (the pace and the open units
// after them are those of a run loaded fresh from the same log). Real SQLite files; events through the real machine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunCache } from '../../../src/console/index.js';
import { rebuildAt } from '../../../src/observe/index.js';
import { DATES, type LiveFixture, makeLiveFixture, unit } from './live-fixture.js';

let fx: LiveFixture;
beforeEach(async () => {
  fx = await makeLiveFixture();
});
afterEach(async () => {
  await fx.close();
});

describe('RunCache over the asynchronous store', () => {
  it('shares one load among concurrent first requests', async () => {
    const cache = new RunCache(fx.store);
    try {
      const got = await Promise.all([cache.get('r1'), cache.get('r1'), cache.get('r1')]);
      expect(got[0]).toBeDefined();
      expect(got[1]).toBe(got[0]);
      expect(got[2]).toBe(got[0]);
      expect(await cache.get('nope')).toBeUndefined();
    } finally {
      cache.close();
    }
  });

  it('folds each new event once when concurrent requests advance the run', async () => {
    const cache = new RunCache(fx.store);
    const fresh = new RunCache(fx.store);
    try {
      const live = await cache.get('r1');
      if (!live) throw new Error('run r1 not loaded');
      await fx.append([...unit('a', DATES[0], true), ...unit('b', DATES[0], true)]);
      await fx.append([...unit('a', DATES[1], true), ...unit('b', DATES[1], false)]);
      await fx.append([...unit('a', DATES[2], true)]);
      await Promise.all(Array.from({ length: 8 }, () => live.advance()));

      const head = (await fx.store.head('r1')).seq;
      expect(live.seq).toBe(head);
      const again = await fresh.get('r1');
      // Five outcomes two seconds apart (each after its start): 4 intervals over 8 s, as a fresh load reads them.
      expect(live.unitsPerMinute()).toBe(again?.unitsPerMinute());
      expect(live.unitsPerMinute()).toBeCloseTo((4 * 60_000) / 8_000, 6);
      expect([...live.open.values()].map((u) => `${u.step} ${u.partition} ${u.status}`)).toEqual([
        `b ${DATES[1]} failed`,
      ]);
      const rebuilt = await rebuildAt(fx.store, 'r1');
      expect(live.snapshot.context.steps).toEqual(rebuilt.snapshot.context.steps);
    } finally {
      cache.close();
      fresh.close();
    }
  });
});
