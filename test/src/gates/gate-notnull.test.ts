// Gate notNull checks: the NULL rate of a column over the plan's range, with the check's `where`.
import { afterEach, expect, it } from 'vitest';
import { evaluateGate } from '../../../src/gates/index.js';
import { DAYS, type GateFixture, makeGateFixture, phase3 } from './fixture.js';

let fx: GateFixture;
afterEach(async () => {
  await fx.close();
});

it('measures the NULL rate among the rows the where clause selects', async () => {
  fx = await makeGateFixture([
    phase3({
      minCoverage: 0,
      notNull: [
        { table: 'full_t', column: 'usage', maxRate: 0.15, where: 'minutes > 0' },
        { table: 'full_t', column: 'usage', maxRate: 0.1 },
      ],
    }),
  ]);
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
  const [filtered, all] = report.notNull as { rate: number }[];
  expect(filtered).toMatchObject({ rows: 39, nulls: 5, ok: true, where: 'minutes > 0' });
  expect(filtered.rate).toBeCloseTo(5 / 39, 10);
  expect(all).toMatchObject({ rows: 40, nulls: 6, ok: false });
  expect(all.rate).toBeCloseTo(0.15, 10);
  expect(report.ok).toBe(false);
  expect(report.error).toBeUndefined();
});

it("limits the measure to the plan's range on the table's partition column", async () => {
  fx = await makeGateFixture([
    phase3({
      minCoverage: 0,
      notNull: [{ table: 'full_t', column: 'usage', maxRate: 0.2, where: 'minutes > 0' }],
    }),
  ]);
  fx.plan.range = { start: '2024-01-02', end: '2024-01-20' };
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS.slice(1));
  expect(report.notNull[0]).toMatchObject({ rows: 38, nulls: 4, ok: true });
  expect(report.ok).toBe(true);
});

it('does not pass a column it has no rows to measure', async () => {
  fx = await makeGateFixture([
    phase3({
      minCoverage: 0,
      notNull: [{ table: 'full_t', column: 'usage', maxRate: 1, where: 'minutes > 1000' }],
    }),
  ]);
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
  expect(report.notNull[0]).toMatchObject({ rows: 0, ok: false });
  expect(report.ok).toBe(false);
});
