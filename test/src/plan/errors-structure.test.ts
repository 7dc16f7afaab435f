import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../../src/plan/index.js';
import { issueAt, planError, planWith } from './helpers.js';

// Each case breaks one thing in a copy of the valid fixture and checks the exact path and expectation.
describe('plan structure errors', () => {
  it('names an unknown key (a typo) with its path and suggests the intended key', () => {
    const file = planWith((doc) => {
      doc.phases[0].steps[1].concurency = 8;
    });
    const err = planError(() => loadPlan(file));
    expect(err.code).toBe('PLAN_INVALID');
    expect(err.message).toContain('plan.yaml');
    const issue = issueAt(err, 'phases[0].steps[1].concurency');
    expect(issue.message).toContain('unknown key "concurency" (did you mean "concurrency"?)');
    expect(issue.message).toMatch(/\(line \d+\)$/);
    expect(err.message).toContain('phases[0].steps[1].concurency: unknown key');
  });

  it('rejects version 2', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.version = 2;
        }),
      ),
    );
    expect(issueAt(err, 'version').message).toContain('expected 1, found 2');
  });

  it('rejects a phase whose steps list is empty', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.phases[0].steps = [];
        }),
      ),
    );
    expect(issueAt(err, 'phases[0].steps').message).toContain('expected at least 1 item(s), found 0');
  });

  it('rejects an empty group inside groups', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.phases[1].groups[1].steps = [];
        }),
      ),
    );
    expect(issueAt(err, 'phases[1].groups[1].steps').message).toContain(
      'expected at least 1 item(s), found 0',
    );
  });

  it('rejects a phase with both steps and groups, and one with neither', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.phases[1].steps = doc.phases[0].steps.map((s: { id: string }) => ({
            ...s,
            id: `${s.id}_copy`,
          }));
          delete doc.phases[0].steps;
        }),
      ),
    );
    expect(issueAt(err, 'phases[1]').message).toContain(
      'expected either steps (one parallel group) or groups (in order), found both',
    );
    expect(issueAt(err, 'phases[0]').message).toContain('found neither');
  });

  it('rejects a bigquery warehouse without projectId', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.warehouse = { kind: 'bigquery', location: 'US' };
        }),
      ),
    );
    expect(issueAt(err, 'warehouse.projectId').message).toContain(
      'required: expected a string, but it is missing',
    );
  });

  it('rejects an unknown warehouse kind naming the valid ones', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.warehouse = { kind: 'postgres', path: 'x' };
        }),
      ),
    );
    expect(issueAt(err, 'warehouse.kind').message).toContain(
      'expected kind "sqlite" or "bigquery", found "postgres"',
    );
  });

  it('rejects a command step without a command, and sql on a command step', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          const step = doc.phases[1].groups[1].steps[0];
          delete step.command;
          step.sql = 'SELECT 1';
        }),
      ),
    );
    expect(issueAt(err, 'phases[1].groups[1].steps[0].command').message).toContain(
      'required for a kind: command step: expected a list of arguments',
    );
    expect(issueAt(err, 'phases[1].groups[1].steps[0].sql').message).toContain(
      'expected no sql on a kind: command step',
    );
  });

  it('rejects a sql step without sql, and command-only keys on it', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          const step = doc.phases[0].steps[1];
          delete step.sql;
          step.timeout = 10;
        }),
      ),
    );
    expect(issueAt(err, 'phases[0].steps[1].sql').message).toContain('required for a kind: sql step');
    expect(issueAt(err, 'phases[0].steps[1].timeout').message).toContain(
      'expected only on a kind: command step',
    );
  });

  it('rejects numbers out of range with the bound and the value found', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.phases[0].steps[0].concurrency = 0;
          doc.phases[0].steps[1].retries = -1;
          doc.phases[0].gate.minCoverage = 1.5;
        }),
      ),
    );
    expect(issueAt(err, 'phases[0].steps[0].concurrency').message).toMatch(
      /^expected a number > 0, found 0 \(line \d+\)$/,
    );
    expect(issueAt(err, 'phases[0].steps[1].retries').message).toContain('expected a number >= 0, found -1');
    expect(issueAt(err, 'phases[0].gate.minCoverage').message).toContain('expected a number <= 1, found 1.5');
  });

  it('explains an unquoted {partition} argument, which YAML reads as a mapping', () => {
    const file = planWith((doc) => {
      doc.phases[1].groups[1].steps[0].command = ['./backfill.sh', { partition: null }];
    });
    const err = planError(() => loadPlan(file));
    expect(issueAt(err, 'phases[1].groups[1].steps[0].command[1]').message).toContain(
      'found {partition} read as a YAML mapping: quote it, "{partition}"',
    );
  });
});
