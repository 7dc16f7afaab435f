// The text rendering of a gate report: every table row with its numbers, failures and errors spelled out.
import { afterEach, expect, it } from 'vitest';
import { evaluateGate, formatGateReport } from '../../../src/gates/index.js';
import { DAYS, type GateFixture, makeGateFixture, phase3, step } from './fixture.js';

let fx: GateFixture;
afterEach(async () => {
  await fx.close();
});

it('renders coverage per table, failed notNull and checks, and the verdict', async () => {
  fx = await makeGateFixture([
    phase3({
      notNull: [{ table: 'full_t', column: 'usage', maxRate: 0.1 }],
      checks: [{ name: 'teams balanced', sql: "SELECT 0 AS ok, 'away short on 2024-01-10' AS detail" }],
    }),
  ]);
  const text = formatGateReport(await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS));
  const lines = text.split('\n');
  expect(lines[0]).toBe('gate phase3: BLOCKED (min coverage 90.0%)');
  expect(text).toMatch(/full_t\s+18\s+18\s+100\.0%\s+0\s+0/);
  expect(text).toMatch(/✗ partial_t\s+18\s+13\s+72\.2%\s+5\s+1\s+2024-01-05 2024-01-06/);
  expect(text).toContain('✗ notNull full_t.usage: 15.0% NULL (6 of 40), max 10.0%');
  expect(text).toContain('✗ check teams balanced: away short on 2024-01-10');
});

it('shows an erroring table as an error, not as a number', async () => {
  fx = await makeGateFixture([phase3({}, [step('gone', 'gone_t')])]);
  const text = formatGateReport(await evaluateGate(fx.plan, 'phase3', fx.wh, DAYS));
  expect(text.split('\n')[0]).toContain('ERROR');
  expect(text).not.toMatch(/gone_t\s+18\s+0\s+0\.0%/);
  expect(text).toMatch(/gone_t.*error/);
});
