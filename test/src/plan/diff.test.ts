import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffPlans, loadPlan } from '../../../src/plan/index.js';
import { copyFixture, editPlan, FIXTURE } from './helpers.js';

const original = loadPlan(path.join(FIXTURE, 'plan.yaml'));
const edited = (edit: Parameters<typeof editPlan>[1]) => loadPlan(editPlan(copyFixture(), edit));

describe('diffPlans', () => {
  it('is empty for the same plan, even from a moved folder', () => {
    expect(diffPlans(original, loadPlan(copyFixture()))).toEqual([]);
  });

  it('reports a changed step SQL', () => {
    const next = edited((doc) => {
      doc.phases[0].steps[1].sql = 'SELECT 1 AS game_date';
    });
    expect(diffPlans(original, next)).toEqual(['step team_defense_game_summary: sql changed']);
  });

  it('reports a gate change with old and new values', () => {
    const next = edited((doc) => {
      doc.phases[1].gate.minCoverage = 0.9;
      doc.phases[0].gate.notNull[0].maxRate = 0.1;
    });
    expect(diffPlans(original, next)).toEqual([
      'phase phase3: gate.notNull nba_analytics_team_offense_game_summary.points: maxRate 0.05 → 0.1',
      'phase phase4: gate.minCoverage 0.88 → 0.9',
    ]);
  });

  it('reports a range change', () => {
    expect(diffPlans(original, loadPlan(path.join(FIXTURE, 'plan.yaml'), { end: '2021-12-10' }))).toEqual([
      'range.end 2021-11-30 → 2021-12-10',
    ]);
  });

  it('reports added and removed steps, and setting changes of kept steps', () => {
    const next = edited((doc) => {
      const [first] = doc.phases[1].groups[0].steps;
      doc.phases[1].groups[0].steps = [
        { ...first, id: 'player_shot_zone_analysis', table: 'nba_precompute_psza' },
      ];
      doc.phases[0].steps[0].concurrency = 8;
      delete doc.phases[0].steps[0].ddl;
    });
    expect(diffPlans(original, next)).toEqual([
      'step team_offense_game_summary: concurrency 6 → 8',
      'step team_offense_game_summary: ddl removed',
      'step team_defense_zone_analysis removed',
      'step player_shot_zone_analysis added',
    ]);
  });

  it('reports a step that moved to another group', () => {
    const next = edited((doc) => {
      const moved = doc.phases[1].groups[1].steps.pop();
      doc.phases[1].groups[0].steps.push(moved);
      doc.phases[1].groups.pop();
    });
    expect(diffPlans(original, next)).toEqual([
      'step player-composite-factors: moved phase4 group 2 → phase4 group 1',
    ]);
  });
});
