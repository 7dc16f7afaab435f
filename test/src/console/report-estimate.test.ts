// A report carries what the log records of the run's cost: each unit's latest UNIT_STARTED estimate summed per
// step, as the live estimate route lists it, without querying the warehouse. Real SQLite file, real machine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportData } from '../../../src/console/report.js';
import { DATES, type LiveFixture, makeLiveFixture } from './live-fixture.js';

let fx: LiveFixture;
beforeEach(async () => {
  fx = await makeLiveFixture();
});
afterEach(async () => {
  await fx.close();
});

const started = (step: string, partition: string, attempt: number, estimatedBytes: number) =>
  ({ type: 'UNIT_STARTED', step, partition, attempt, reason: 'first', estimatedBytes }) as const;

describe('the report’s estimate', () => {
  it('lists the estimates the log records as units start, a retried unit counted once at its latest', async () => {
    await fx.append([
      { type: 'BUDGET_CHANGED', maxBytesBilled: 10_000, from: null, by: 'test' },
      started('a', DATES[0], 1, 300),
      started('b', DATES[0], 1, 50),
      {
        type: 'UNIT_FAILED',
        step: 'a',
        partition: DATES[0],
        attempt: 1,
        final: false,
        error: { code: 'WAREHOUSE_UNAVAILABLE', message: 'backend error', retryable: true },
      },
      { ...started('a', DATES[0], 2, 400), reason: 'retry' },
      started('a', DATES[1], 1, 200),
    ]);
    const data = await reportData(fx.store, 'r1', 'test');
    expect(data.estimate.estimate).toBeNull();
    expect(data.estimate.error).toMatch(/live console computes/);
    expect(data.estimate.kind).toBe('measured');
    expect([...data.estimate.recorded].sort((x, y) => x.step.localeCompare(y.step))).toEqual([
      { step: 'a', units: 2, estimatedBytes: 600 },
      { step: 'b', units: 1, estimatedBytes: 50 },
    ]);
  });
});
