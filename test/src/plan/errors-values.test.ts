import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../../src/plan/index.js';
import { issueAt, planError, planWith } from './helpers.js';

describe('plan value errors', () => {
  it('rejects a date that is not on the calendar', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.range.end = '2021-02-30';
        }),
      ),
    );
    expect(err.message).toContain('plan.yaml');
    expect(issueAt(err, 'range.end').message).toContain(
      'expected a real calendar date YYYY-MM-DD, found "2021-02-30"',
    );
  });

  it('rejects a range whose start is after its end', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.range = { start: '2022-01-02', end: '2022-01-01' };
        }),
      ),
    );
    expect(issueAt(err, 'range').message).toContain(
      'expected start <= end, found start 2022-01-02 after end 2022-01-01',
    );
  });

  it('rejects a table name that is not an identifier', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.phases[0].steps[1].table = 'team defense';
        }),
      ),
    );
    expect(issueAt(err, 'phases[0].steps[1].table').message).toContain(
      'expected a table name (an identifier), found "team defense"',
    );
  });

  it('rejects a dotted table on sqlite and suggests dataset_table', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.phases[0].steps[0].table = 'nba_analytics.team_offense_game_summary';
        }),
      ),
    );
    const issue = issueAt(err, 'phases[0].steps[0].table');
    expect(issue.message).toContain('dataset.table names are for bigquery');
    expect(issue.message).toContain('nba_analytics_team_offense_game_summary');
  });

  it('rejects duplicate step ids across phases, naming the first one', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.phases[1].groups[0].steps[0].id = 'team_offense_game_summary';
        }),
      ),
    );
    expect(issueAt(err, 'phases[1].groups[0].steps[0].id').message).toContain(
      'expected a step id unique across the plan, found "team_offense_game_summary" again (first at phases[0].steps[0])',
    );
  });

  it('rejects duplicate gate ids, including one defaulted from a phase id', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.phases[1].gate.id = 'phase3';
        }),
      ),
    );
    expect(issueAt(err, 'phases[1].gate.id').message).toContain(
      'expected a unique gate id, found "phase3" again',
    );
  });

  it('names the document path and the resolved file of a missing SQL file', () => {
    const file = planWith((doc) => {
      doc.phases[1].groups[0].steps[0].sql = 'sql/{dialect}/phase4/nope.sql';
    });
    const err = planError(() => loadPlan(file));
    const issue = issueAt(err, 'phases[1].groups[0].steps[0].sql');
    expect(issue.message).toContain(path.join(path.dirname(file), 'sql', 'sqlite', 'phase4', 'nope.sql'));
    expect(issue.message).toContain('expected an existing SQL file');
  });

  it('rejects a non-identifier step id and a non-identifier column', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.phases[0].steps[0].id = '3rd step';
          doc.phases[0].gate.notNull[0].column = 'usage-rate';
        }),
      ),
    );
    expect(issueAt(err, 'phases[0].steps[0].id').message).toContain('expected a step id');
    expect(issueAt(err, 'phases[0].gate.notNull[0].column').message).toContain('expected an identifier');
  });
});
