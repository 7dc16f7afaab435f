// @run_id in gate and baseline queries: checks, exclusions, notNull filters and expect.minRows all see the run's id.
import { afterEach, expect, it } from 'vitest';
import { baselineEvent, gateEvent } from '../../../src/engine/index.js';
import { evaluateGate } from '../../../src/gates/index.js';
import { DAYS, type GateFixture, makeGateFixture, phase3, step } from './fixture.js';

let fx: GateFixture;
afterEach(async () => {
  await fx.close();
});

const RUN = 'r-42';
/** min_rows is 2 (a day's real rows) only when @run_id is the run's id; otherwise no day could pass. */
const minRows = `SELECT CASE WHEN @run_id = '${RUN}' THEN 2 ELSE 99 END AS min_rows`;

function fixture() {
  return makeGateFixture([
    phase3(
      {
        minCoverage: 0.9,
        exclude: `SELECT day AS partition FROM boot WHERE @run_id = '${RUN}'`,
        notNull: [
          { table: 'full_t', column: 'usage', maxRate: 0.2, where: `@run_id = '${RUN}' AND minutes > 0` },
        ],
        checks: [{ name: 'sees the run', sql: `SELECT @run_id = '${RUN}' AS ok, @run_id AS detail` }],
      },
      [step('full', 'full_t', { expect: { minRows } })],
    ),
  ]);
}

it('binds @run_id in every gate query', async () => {
  fx = await fixture();
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS, RUN);
  expect(report.checks).toEqual([{ name: 'sees the run', ok: true, detail: RUN }]);
  // The exclusion (2 bootstrap days) and the expectation both matched the run's id.
  expect(report.tables[0]).toMatchObject({ step: 'full', expected: 18, present: 18, ok: true });
  expect(report.notNull[0]).toMatchObject({ rows: 39, nulls: 5, ok: true });
  expect(report.ok).toBe(true);
});

it('the driver effects pass the run id to the gate and the baseline', async () => {
  fx = await fixture();
  const gate = await gateEvent(fx.plan, fx.wh, RUN, 'phase3', 'phase3');
  expect(gate.type).toBe('GATE_PASSED');
  const baseline = await baselineEvent(fx.plan, fx.wh, RUN);
  expect(baseline).toMatchObject({ type: 'BASELINE_RECORDED', steps: [{ step: 'full', present: 20 }] });
});
