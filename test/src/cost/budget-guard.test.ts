// The budget guard against the real client and the local BigQuery server: a unit refused while others run
// pauses the run only if it still would pass the budget once nothing is in flight, with the figures that
// justify the pause; a reservation freed by a failed attempt lets the run go on instead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetNeeded, type RunEvent } from '../../../machines/index.js';
import { BudgetGuard } from '../../../src/cost/index.js';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import { openAgainst, seedTogs, togsStep, unit } from '../../support/bq-server-fixtures.js';
import { unitOk } from '../../support/run-events.js';

const MIB = 2 ** 20;
const DAYS = ['2024-01-15', '2024-01-16', '2024-01-17', '2024-01-18'];
const step = togsStep().id;

const succeeded = (partition: string, bytesBilled: number): RunEvent => ({
  ...unitOk(step, partition),
  bytesBilled,
});
const failed = (partition: string): RunEvent => ({
  type: 'UNIT_FAILED',
  step,
  partition,
  attempt: 1,
  error: { code: 'QUERY', message: 'rateLimitExceeded: Exceeded rate limits', retryable: true },
  final: false,
  retryInMs: 10,
});

describe('budget guard', () => {
  let server: BqServer;
  let billed: number;
  let guard: BudgetGuard;
  beforeEach(async () => {
    server = await startBqServer();
    seedTogs(server, 30, DAYS);
    // Every dry run reports 1 MiB processed: BigQuery bills at least 10 MB per table read.
    server.dryRunBytes = MIB;
    billed = 0;
    guard = new BudgetGuard(
      await openAgainst(server),
      () => 35 * MIB,
      () => billed,
    );
  });
  afterEach(() => server.close());

  /** Admit the first three units and have the fourth refused: 30 MiB running + 10 MiB next > 35 MiB. */
  async function refuseFourth(): Promise<void> {
    for (const d of DAYS.slice(0, 3)) {
      expect(await guard.admit(unit(d))).toMatchObject({ estimatedBytes: 10 * MIB });
    }
    expect(await guard.admit(unit(DAYS[3]))).toBe('refused');
    expect(guard.blocked).toMatchObject({
      bytesBilled: 0,
      runningEstimate: 30 * MIB,
      maxBytesBilled: 35 * MIB,
    });
  }

  it('does not pause when a failed attempt freed room for the refused unit; the unit is admitted again', async () => {
    await refuseFourth();
    // Two units bill their 10 MiB; the third's attempt fails (an injected 403) and frees its reservation.
    for (const d of DAYS.slice(0, 2)) {
      billed += 10 * MIB;
      guard.observe(succeeded(d, 10 * MIB));
    }
    guard.observe(failed(DAYS[2]));
    // 20 MiB billed + nothing running + 10 MiB next is within 35 MiB: no pause, and units start again.
    expect(guard.pauseEvent('driver')).toBeUndefined();
    expect(guard.blocked).toBeUndefined();
    expect(await guard.admit(unit(DAYS[2], 2))).toMatchObject({ estimatedBytes: 10 * MIB });
    expect(await guard.admit(unit(DAYS[3]))).toBe('refused');
  });

  it('pauses with the figures as they stand when the refused unit still would pass the budget', async () => {
    await refuseFourth();
    for (const d of DAYS.slice(0, 3)) {
      billed += 10 * MIB;
      guard.observe(succeeded(d, 10 * MIB));
    }
    const paused = guard.pauseEvent('driver');
    expect(paused).toMatchObject({
      type: 'PAUSED',
      reason: 'budget',
      budget: {
        maxBytesBilled: 35 * MIB,
        bytesBilled: 30 * MIB,
        runningEstimate: 0,
        next: { step, partition: DAYS[3], estimatedBytes: 10 * MIB },
      },
    });
    // The budget the pause message suggests is above the current one.
    const figures = (paused as { budget: Parameters<typeof budgetNeeded>[0] }).budget;
    expect(budgetNeeded(figures)).toBeGreaterThan(35 * MIB);
    expect(guard.blocked).toBeDefined();
  });
});
