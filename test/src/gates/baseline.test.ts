// Baseline: the calendar, per step present/missing/toRun (short days count as missing), refill modes,
// ddl for missing tables, and a missing table without ddl as an error.
import { afterEach, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import { measureBaseline } from '../../../src/gates/index.js';
import {
  DAYS,
  type GateFixture,
  makeGateFixture,
  PARTIAL_ABSENT,
  PARTIAL_SHORT,
  phase3,
  step,
} from './fixture.js';

let fx: GateFixture;
afterEach(async () => {
  await fx.close();
});

const DDL = 'CREATE TABLE new_t (day TEXT, team TEXT, usage REAL)';
const partialMissing = [...PARTIAL_ABSENT, PARTIAL_SHORT].sort();

it('measures present, missing and toRun per step against the calendar', async () => {
  fx = await makeGateFixture();
  const baseline = await measureBaseline(fx.plan, fx.wh, { createTables: true });
  expect(baseline.partitions).toEqual(DAYS);
  expect(baseline.steps).toEqual([
    { step: 'full', expected: 20, present: 20, missing: 0, toRun: [] },
    { step: 'partial', expected: 20, present: 15, missing: 5, toRun: partialMissing },
  ]);
});

it('recomputes every partition with refill all, from the options or the step', async () => {
  fx = await makeGateFixture([
    phase3({}, [step('full', 'full_t'), step('partial', 'partial_t', { refill: 'all' })]),
  ]);
  const byStep = await measureBaseline(fx.plan, fx.wh, { createTables: true });
  expect(byStep.steps.map((s) => s.toRun.length)).toEqual([0, 20]);
  const byOption = await measureBaseline(fx.plan, fx.wh, { createTables: true, refill: 'all' });
  expect(byOption.steps.map((s) => s.toRun)).toEqual([DAYS, DAYS]);
  expect(byOption.steps[1].present).toBe(15);
});

it("creates a missing table from the step's ddl only when asked", async () => {
  fx = await makeGateFixture([phase3({}, [step('fresh', 'new_t', { ddl: DDL })])]);
  const dry = await measureBaseline(fx.plan, fx.wh, { createTables: false });
  expect(dry.steps[0]).toEqual({ step: 'fresh', expected: 20, present: 0, missing: 20, toRun: DAYS });
  expect(await fx.wh.tableExists('new_t')).toBe(false);
  const real = await measureBaseline(fx.plan, fx.wh, { createTables: true });
  expect(real.steps[0]).toMatchObject({ createdTable: true, missing: 20, toRun: DAYS });
  expect(await fx.wh.tableExists('new_t')).toBe(true);
  const again = await measureBaseline(fx.plan, fx.wh, { createTables: true });
  expect(again.steps[0].createdTable).toBeUndefined();
});

it('refuses a missing table that the step cannot create, naming step and table', async () => {
  fx = await makeGateFixture([phase3({}, [step('orphan', 'orphan_t')])]);
  const err = await measureBaseline(fx.plan, fx.wh, { createTables: true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PhasedError);
  expect((err as PhasedError).code).toBe('QUERY');
  expect((err as PhasedError).message).toContain('orphan');
  expect((err as PhasedError).message).toContain('orphan_t');
});

it('limits the calendar to the range', async () => {
  fx = await makeGateFixture();
  fx.plan.range = { start: '2024-01-05', end: '2024-01-08' };
  const baseline = await measureBaseline(fx.plan, fx.wh, { createTables: true });
  expect(baseline.partitions).toEqual(['2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08']);
  expect(baseline.steps[1]).toMatchObject({
    expected: 4,
    present: 1,
    toRun: ['2024-01-05', '2024-01-06', '2024-01-07'],
  });
});
