// A BigQuery dry run that fails NOT_FOUND is excused only when the missing table is one the plan itself writes,
// matched by whole name (a plan writing `games` does not excuse a missing `games_raw`).
import { describe, expect, it } from 'vitest';
import { UnitError } from '../../../machines/index.js';
import { dryRunSteps } from '../../../src/gates/index.js';
import type { Warehouse } from '../../../src/warehouse/index.js';
import { phase, step, twoPhasePlan } from '../../support/plans.js';

/** Only what dryRunSteps touches: a BigQuery-kind warehouse whose dry runs all fail with this message. */
function failingDryRuns(message: string): Warehouse {
  return {
    kind: 'bigquery',
    dryRun: async () => {
      throw new UnitError('NOT_FOUND', message, false);
    },
  } as unknown as Warehouse;
}

function planWriting(table: string) {
  const plan = twoPhasePlan();
  plan.phases = [phase('p1', [['a']])];
  plan.phases[0].groups[0].steps = [step('a', { table: `an.${table}` })];
  return plan;
}

describe('dryRunSteps and tables the plan creates', () => {
  it('excuses a missing table the plan writes', async () => {
    const [d] = await dryRunSteps(
      planWriting('games'),
      failingDryRuns('Not found: Table p:an.games was not found'),
    );
    expect(d.skipped).toMatch(/reads games, which a step of this plan creates/);
    expect(d.error).toBeUndefined();
  });

  it('reports a missing table whose name only starts like one the plan writes', async () => {
    const [d] = await dryRunSteps(
      planWriting('games'),
      failingDryRuns('Not found: Table p:an.games_raw was not found in location US'),
    );
    expect(d.skipped).toBeUndefined();
    expect(d.error).toMatch(/games_raw/);
  });
});
