// The run page's budget figures from a LiveRun: running units' estimates (their UNIT_STARTED estimatedBytes)
// count against the budget until the unit ends, both while the run is followed event by event and when it is
// loaded fresh from the projections. Real SQLite files; events through the real machine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetView } from '../../../src/console/cost-view.js';
import { RunCache } from '../../../src/console/index.js';
import { DATES, type LiveFixture, makeLiveFixture } from './live-fixture.js';

let fx: LiveFixture;
beforeEach(async () => {
  fx = await makeLiveFixture();
});
afterEach(async () => {
  await fx.close();
});

const started = (partition: string, estimatedBytes: number) =>
  ({ type: 'UNIT_STARTED', step: 'a', partition, attempt: 1, reason: 'first', estimatedBytes }) as const;

describe('budget figures on the run page', () => {
  it('counts the running units’ estimates until they end, followed live and loaded fresh', async () => {
    const cache = new RunCache(fx.store);
    const fresh = new RunCache(fx.store);
    try {
      const live = await cache.get('r1');
      if (!live) throw new Error('run r1 not loaded');
      await fx.append([
        { type: 'BUDGET_CHANGED', maxBytesBilled: 1000, from: null, by: 'test' },
        started(DATES[0], 300),
        started(DATES[1], 200),
      ]);
      await live.advance();
      expect(budgetView(live, 'phased resume r1')).toMatchObject({
        maxBytesBilled: 1000,
        bytesBilled: 0,
        runningEstimate: 500,
        remaining: 500,
        pause: null,
      });
      await fx.append([
        {
          type: 'UNIT_SUCCEEDED',
          step: 'a',
          partition: DATES[0],
          attempt: 1,
          rows: 1,
          ms: 5,
          bytesProcessed: 100,
          bytesBilled: 250,
          slotMs: 7,
        },
      ]);
      await live.advance();
      const after = {
        maxBytesBilled: 1000,
        bytesBilled: 250,
        bytesProcessed: 100,
        slotMs: 7,
        runningEstimate: 200,
        remaining: 550,
        pause: null,
      };
      expect(budgetView(live, 'phased resume r1')).toEqual(after);
      // A console started now reads the running unit from the projection and its estimate from its event.
      const loaded = await fresh.get('r1');
      if (!loaded) throw new Error('run r1 not loaded fresh');
      expect(budgetView(loaded, 'phased resume r1')).toEqual(after);
    } finally {
      cache.close();
      fresh.close();
    }
  });
});
