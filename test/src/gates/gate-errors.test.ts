// A query that fails inside a gate makes the gate err (ok=false, error set); it is never read as a
// coverage or rate, and the other items are still reported.
import { afterEach, expect, it } from 'vitest';
import { evaluateGate } from '../../../src/gates/index.js';
import { DAYS, type GateFixture, makeGateFixture, phase3, step } from './fixture.js';

let fx: GateFixture;
afterEach(async () => {
  await fx.close();
});

it('errs on a check whose SQL fails, while the passing items stay reported', async () => {
  fx = await makeGateFixture([
    phase3({
      minCoverage: 0,
      checks: [
        { name: 'teams balanced', sql: "SELECT 1 AS ok, 'fine' AS detail" },
        { name: 'broken check', sql: 'SELECT ok FROM no_such_table' },
      ],
    }),
  ]);
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
  expect(report.ok).toBe(false);
  expect(report.error).toContain('broken check');
  expect(report.error).toContain('no_such_table');
  expect(report.checks[0]).toEqual({ name: 'teams balanced', ok: true, detail: 'fine' });
  expect(report.checks[1]).toMatchObject({ name: 'broken check', ok: false });
  expect(report.checks[1].error).toContain('no_such_table');
  expect(report.tables.every((t) => t.ok)).toBe(true);
});

it('errs on a step whose table is missing instead of reporting 0 % coverage as a verdict', async () => {
  fx = await makeGateFixture([phase3({ minCoverage: 0 }, [step('full', 'full_t'), step('gone', 'gone_t')])]);
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
  expect(report.ok).toBe(false);
  expect(report.error).toContain('step gone');
  expect(report.error).toContain('gone_t');
  const gone = report.tables.find((t) => t.step === 'gone') as { ok: boolean; error?: string };
  expect(gone.ok).toBe(false);
  expect(gone.error).toContain('gone_t');
  // No number at all for the table that could not be measured (never 0 %).
  for (const key of ['coverage', 'present', 'missing', 'short', 'missingSample'])
    expect(gone).not.toHaveProperty(key);
  expect(report.tables.find((t) => t.step === 'full')).toMatchObject({ present: 18, ok: true });
});

it('errs when the exclusion query fails', async () => {
  fx = await makeGateFixture([phase3({ minCoverage: 0, exclude: 'SELECT day AS partition FROM nowhere' })]);
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
  expect(report.ok).toBe(false);
  expect(report.error).toContain('exclude');
  expect(report.tables.every((t) => !t.ok)).toBe(true);
  for (const t of report.tables) {
    expect(t.error).toContain('exclude');
    expect(t).not.toHaveProperty('coverage');
  }
});

it('errs on a notNull check over a missing column', async () => {
  fx = await makeGateFixture([
    phase3({ minCoverage: 0, notNull: [{ table: 'full_t', column: 'nope', maxRate: 1 }] }),
  ]);
  const report = await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS);
  expect(report.ok).toBe(false);
  expect(report.notNull[0].error).toContain('nope');
  expect(report.notNull[0]).not.toHaveProperty('rate');
  expect(report.error).toContain('notNull full_t.nope');
});

it('refuses an unknown phase id, naming the phases', async () => {
  fx = await makeGateFixture();
  await expect(evaluateGate(fx.plan, 'phase9', fx.wh, DAYS)).rejects.toThrow(/phase9.*phase3/);
});
