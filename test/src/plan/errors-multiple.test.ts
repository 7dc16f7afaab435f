import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../../src/plan/index.js';
import { issueAt, planError, planWith, tempDir } from './helpers.js';

describe('several problems in one plan', () => {
  it('reports every problem together, in document order', () => {
    const file = planWith((doc) => {
      doc.version = 2;
      doc.range.start = '2021-13-01';
      doc.phases[0].steps[0].concurency = 2;
      doc.phases[0].steps[1].id = 'team_offense_game_summary';
      doc.phases[1].groups[0].steps[0].sql = 'sql/missing.sql';
    });
    const err = planError(() => loadPlan(file));
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual([
      'version',
      'range.start',
      'phases[0].steps[0].concurency',
      'phases[0].steps[1].id',
      'phases[1].groups[0].steps[0].sql',
    ]);
    for (const p of paths) expect(err.message).toContain(`  ${p}: `);
    expect(err.message).toContain(file);
  });

  it('still reports file and id problems when the structure has errors elsewhere', () => {
    const err = planError(() =>
      loadPlan(
        planWith((doc) => {
          doc.warehouse.kind = 'sqlite3';
          doc.partitions = 'sql/partitions.sql';
          doc.phases[1].groups[1].steps[0].id = 'team_defense_zone_analysis';
        }),
      ),
    );
    expect(issueAt(err, 'warehouse.kind').message).toContain('found "sqlite3"');
    expect(issueAt(err, 'partitions').message).toContain('expected an existing SQL file');
    expect(issueAt(err, 'phases[1].groups[1].steps[0].id').message).toContain('again');
  });
});

describe('unreadable plan files', () => {
  it('a missing plan file is a PlanError naming it', () => {
    const file = path.join(tempDir(), 'absent.yaml');
    const err = planError(() => loadPlan(file));
    expect(err.code).toBe('PLAN_INVALID');
    expect(err.file).toBe(file);
    expect(err.issues[0].message).toContain('found no such file');
  });

  it('a YAML syntax error is a PlanError with its line, hinting at quoting {dialect} in flow collections', () => {
    const file = path.join(tempDir(), 'plan.yaml');
    writeFileSync(file, 'version: 1\nprerequisites:\n  checks: [{ name: a, sql: sql/{dialect}/a.sql }]\n');
    const err = planError(() => loadPlan(file));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0].message).toContain('at line 3');
    expect(err.issues[0].message).toContain('quote values that contain {dialect}');
  });

  it('an empty document says a mapping was expected', () => {
    const file = path.join(tempDir(), 'plan.yaml');
    writeFileSync(file, '# nothing yet\n');
    const err = planError(() => loadPlan(file));
    expect(err.issues[0]).toMatchObject({ path: '' });
    expect(err.issues[0].message).toContain('expected a mapping, found an empty value');
  });
});
