// The budget's pause decision: a refused unit pauses the run only if, once nothing is in flight, billed +
// running + its estimate still pass the budget; the PAUSED figures are those, so the budget they suggest
// (budgetNeeded) is above the current one.
import { describe, expect, it } from 'vitest';
import {
  budgetNeeded,
  decideBudgetPause,
  initialOps,
  opsAfter,
  reservationKey,
} from '../../machines/index.js';

const MIB = 2 ** 20;
const next = { step: 'team', partition: '2024-03-04', estimatedBytes: 10 * MIB };

describe('budget pause decision', () => {
  it('does not pause when the refused unit fits with the figures as they stand (a failed attempt freed room)', () => {
    // Refused at 20 MiB billed + 10 MiB running + 10 MiB next > 35 MiB; the running attempt then failed.
    const now = { maxBytesBilled: 35 * MIB, bytesBilled: 20 * MIB, runningEstimate: 0 };
    expect(decideBudgetPause(now, next, 'driver')).toBeUndefined();
    // Exactly at the budget still fits: only passing it refuses.
    expect(decideBudgetPause({ ...now, bytesBilled: 25 * MIB }, next, 'driver')).toBeUndefined();
  });

  it('pauses with the current figures, whose total passes the budget', () => {
    const now = { maxBytesBilled: 35 * MIB, bytesBilled: 30 * MIB, runningEstimate: 0 };
    const paused = decideBudgetPause(now, next, 'driver');
    expect(paused).toEqual({
      type: 'PAUSED',
      by: 'driver',
      reason: 'budget',
      budget: { maxBytesBilled: 35 * MIB, bytesBilled: 30 * MIB, runningEstimate: 0, next },
    });
    expect(paused?.budget && budgetNeeded(paused.budget)).toBe(40 * MIB);
  });

  it('for any figures, a pause it decides suggests a budget above the current one', () => {
    for (let billed = 0; billed <= 50; billed += 5) {
      for (let running = 0; running <= 20; running += 10) {
        const now = { maxBytesBilled: 35 * MIB, bytesBilled: billed * MIB, runningEstimate: running * MIB };
        const paused = decideBudgetPause(now, next, 'driver');
        const total = (billed + running + 10) * MIB;
        expect(paused !== undefined).toBe(total > 35 * MIB);
        if (paused?.budget) expect(budgetNeeded(paused.budget)).toBeGreaterThan(35 * MIB);
      }
    }
  });

  it('does not pause a run whose budget was removed', () => {
    const now = { maxBytesBilled: undefined, bytesBilled: 90 * MIB, runningEstimate: 0 };
    expect(decideBudgetPause(now, next, 'driver')).toBeUndefined();
  });

  it('keeps the running reservations in the log: a unit started under the budget holds its estimate until it ends', () => {
    const start = (partition: string) =>
      ({
        type: 'UNIT_STARTED',
        step: 'team',
        partition,
        attempt: 1,
        reason: 'first',
        estimatedBytes: 10 * MIB,
      }) as const;
    let ops = initialOps();
    for (const d of ['1', '2', '3']) ops = opsAfter(ops, start(d));
    expect(ops.running).toEqual({
      [reservationKey('team', '1')]: 10 * MIB,
      [reservationKey('team', '2')]: 10 * MIB,
      [reservationKey('team', '3')]: 10 * MIB,
    });
    ops = opsAfter(ops, {
      type: 'UNIT_SUCCEEDED',
      step: 'team',
      partition: '1',
      attempt: 1,
      rows: 1,
      ms: 1,
      bytesBilled: 10 * MIB,
    });
    ops = opsAfter(ops, {
      type: 'UNIT_FAILED',
      step: 'team',
      partition: '2',
      attempt: 1,
      error: { code: 'RATE_LIMIT', message: 'rateLimitExceeded', retryable: true },
      final: false,
    });
    // A re-attach to an in-doubt job carries no estimate: the reservation stands.
    ops = opsAfter(ops, {
      type: 'UNIT_STARTED',
      step: 'team',
      partition: '3',
      attempt: 1,
      reason: 'in-doubt',
    });
    expect(ops.running).toEqual({ [reservationKey('team', '3')]: 10 * MIB });
    expect(ops.usage.bytesBilled).toBe(10 * MIB);
  });
});
