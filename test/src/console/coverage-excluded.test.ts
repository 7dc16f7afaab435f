// Excluded cells: a gate's report records the dates its `exclude` query left out, and the console's coverage
// matrix draws them as excluded (X) for the steps of that gate's phase, never as missing or waiting to run.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { expandPartitions } from '../../../machines/index.js';
import { CELL } from '../../../src/console/api-types.js';
import { coverageAtHead } from '../../../src/console/coverage.js';
import { evaluateGate } from '../../../src/gates/index.js';
import type { UnitRow } from '../../../store/index.js';
import { DAYS, type GateFixture, makeGateFixture } from '../gates/fixture.js';

let fx: GateFixture;
beforeEach(async () => {
  fx = await makeGateFixture();
});
afterEach(async () => {
  await fx.close();
});

it('logs the excluded dates in the gate report and draws them as excluded cells', async () => {
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
  // The fixture's `boot` table holds the first two days: the exclude query's answer (logged compactly).
  expect([...expandPartitions(report.excluded ?? [])]).toEqual([DAYS[0], DAYS[1]]);

  const steps = fx.plan.phases[0].groups.flatMap((g) => g.steps.map((s) => s.id));
  const pending = (step: string): UnitRow[] =>
    DAYS.map((partition) => ({
      runId: 'r',
      step,
      partition,
      status: 'pending',
      attempts: 0,
      rows: null,
      jobRef: null,
      error: null,
      lastSeq: 1,
    }));
  const gate = fx.plan.phases[0].gate.id;
  const m = coverageAtHead(fx.plan, null, steps.flatMap(pending), { [gate]: { report } }, 9);
  expect(m.dates).toEqual(DAYS);
  for (const row of m.rows.filter((r) => steps.includes(r.step))) {
    expect(row.cells.slice(0, 2)).toBe(CELL.excluded.repeat(2));
    expect(row.cells.slice(2)).toBe(CELL.pending.repeat(DAYS.length - 2));
  }
});

it('reports no exclusions when the gate has none', async () => {
  fx.plan.phases[0].gate.exclude = undefined;
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
  expect(report.excluded).toBeUndefined();
});
