import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../machines/index.js';
import { checkPlanFile, describePlan, loadPlan, planHash } from '../../../src/plan/index.js';
import { FIXTURE, planWith } from './helpers.js';

describe('checkPlanFile and describePlan', () => {
  it('returns the plan and a summary of phases, groups, steps, concurrency and gates', () => {
    const res = checkPlanFile(path.join(FIXTURE, 'plan.yaml'));
    if (!res.ok) throw res.error;
    expect(res.summary).toBe(describePlan(res.plan));
    const lines = res.summary.split('\n');
    expect(lines[0]).toBe(`plan fixture-phase3-phase4 (hash ${planHash(res.plan).slice(0, 12)})`);
    expect(res.summary).toContain('range: 2021-10-19 .. 2021-11-30');
    expect(res.summary).toContain(`warehouse: sqlite ${path.join(FIXTURE, 'data', 'warehouse.db')}`);
    expect(res.summary).toContain('phase phase4: 2 groups');
    expect(res.summary).toMatch(
      /player-composite-factors → nba_precompute_player_composite_factors \(command .*concurrency 15/,
    );
    expect(res.summary).toContain('gate phase3: coverage >= 95%; with exclusions');
    expect(res.summary).toContain('gate ml_ready: coverage >= 88%; 1 check');
  });

  it('describes a bigquery warehouse by project and location', () => {
    const plan = loadPlan(
      planWith((doc) => {
        doc.warehouse = { kind: 'bigquery', projectId: 'nba-props-platform', location: 'US' };
      }),
    );
    expect(describePlan(plan)).toContain('warehouse: bigquery project nba-props-platform (US)');
  });

  it('returns the PlanError instead of throwing for a bad plan', () => {
    const res = checkPlanFile(
      planWith((doc) => {
        doc.version = 3;
      }),
    );
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toBeInstanceOf(PlanError);
    expect(res.error.issues.map((i) => i.path)).toEqual(['version']);
  });
});
