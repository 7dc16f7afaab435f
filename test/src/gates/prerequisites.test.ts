// Prerequisites: one result per required table and per check; a failing or erroring check never passes.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { checkPrerequisites, prerequisitesPassed } from '../../../src/gates/index.js';
import { type GateFixture, makeGateFixture } from './fixture.js';

let fx: GateFixture;
beforeEach(async () => {
  fx = await makeGateFixture();
});
afterEach(async () => {
  await fx.close();
});

it('passes when the tables exist and the checks return a truthy ok', async () => {
  fx.plan.prerequisites = {
    tables: ['games', 'full_t'],
    checks: [
      {
        name: 'schedule covers the range',
        sql: "SELECT COUNT(*) = 20 AS ok, COUNT(*) || ' days' AS detail FROM games WHERE day BETWEEN @start AND @end",
      },
    ],
  };
  const results = await checkPrerequisites(fx.plan, fx.wh);
  expect(results).toEqual([
    { name: 'table games exists', ok: true },
    { name: 'table full_t exists', ok: true },
    { name: 'schedule covers the range', ok: true, detail: '20 days' },
  ]);
  expect(prerequisitesPassed(results)).toBe(true);
});

it('fails on a missing table, a failing check and an erroring check, each reported', async () => {
  fx.plan.prerequisites = {
    tables: ['games', 'raw_missing'],
    checks: [
      { name: 'enough games', sql: "SELECT 0 AS ok, 'only 20 games' AS detail" },
      { name: 'broken', sql: 'SELECT ok FROM nowhere' },
      { name: 'no rows', sql: 'SELECT 1 AS ok FROM games WHERE 0' },
    ],
  };
  const results = await checkPrerequisites(fx.plan, fx.wh);
  expect(results[0]).toEqual({ name: 'table games exists', ok: true });
  expect(results[1]).toMatchObject({ name: 'table raw_missing exists', ok: false });
  expect(results[2]).toEqual({ name: 'enough games', ok: false, detail: 'only 20 games' });
  expect(results[3]).toMatchObject({ name: 'broken', ok: false });
  expect(results[3].error).toContain('nowhere');
  expect(results[4]).toMatchObject({ name: 'no rows', ok: false });
  expect(prerequisitesPassed(results)).toBe(false);
});
