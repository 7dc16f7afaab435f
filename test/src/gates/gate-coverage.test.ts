// Gate coverage: exact counts per table, the gate's exclusions, and minRows turning a short day into
// a missing one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MeasuredCoverage } from '../../../machines/index.js';
import { evaluateGate } from '../../../src/gates/index.js';
import { DAYS, type GateFixture, makeGateFixture, phase3, step } from './fixture.js';

let fx: GateFixture;
afterEach(async () => {
  await fx.close();
});

describe('with the bootstrap days excluded', () => {
  beforeEach(async () => {
    fx = await makeGateFixture();
  });

  it('reports every table with exact coverage, missing sample and short days', async () => {
    const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
    expect(report.tables.map((t) => t.step)).toEqual(['full', 'partial']);
    const [full, partial] = report.tables as MeasuredCoverage[];
    expect(full).toMatchObject({ expected: 18, present: 18, coverage: 1, missing: 0, short: 0, ok: true });
    // 18 expected; 4 absent + 1 short → 13 present.
    expect(partial).toMatchObject({ expected: 18, present: 13, missing: 5, short: 1, ok: false });
    expect(partial.coverage).toBeCloseTo(13 / 18, 10);
    expect(partial.missingSample).toEqual([
      '2024-01-05',
      '2024-01-06',
      '2024-01-07',
      '2024-01-10',
      '2024-01-15',
    ]);
    expect(report.ok).toBe(false);
    expect(report.error).toBeUndefined();
  });

  it('passes when every table reaches the minimum coverage', async () => {
    fx.plan.phases[0].gate.minCoverage = 0.7;
    const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
    expect(report.tables.map((t) => t.ok)).toEqual([true, true]);
    expect(report.ok).toBe(true);
  });
});

describe('without exclusions or expectations', () => {
  beforeEach(async () => {
    const plain = step('partial', 'partial_t', { expect: undefined });
    fx = await makeGateFixture([phase3({ exclude: undefined }, [plain])]);
  });

  it('expects the whole calendar and counts a day with any rows as present', async () => {
    const [partial] = (await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS)).tables;
    expect(partial).toMatchObject({ expected: 20, present: 16, missing: 4, short: 0 });
  });

  it('expects only the calendar it is given', async () => {
    const [partial] = (await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS.slice(0, 8))).tables;
    expect(partial).toMatchObject({ expected: 8, present: 5, missing: 3 });
  });
});
