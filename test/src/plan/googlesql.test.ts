// Every BigQuery SQL text phased ships or generates parses with a GoogleSQL grammar, and a BigQuery plan
// whose SQL does not parse is refused by the loader's check, naming the field, file and line.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedPlan } from '../../../machines/index.js';
import { notNullSql } from '../../../src/gates/index.js';
import { checkPlanFile, googleSqlSyntaxError, loadPlan, planSqlError } from '../../../src/plan/index.js';
import { coverageSql, resolveTable } from '../../../src/warehouse/index.js';
import { PROJECT_ROOT } from '../../support/synthetic.js';
import { copyFixture, editPlan, sqlFilesOf, tempDir } from './helpers.js';

const SHIPPED = [
  ...sqlFilesOf(path.join(PROJECT_ROOT, 'plans'), 'bigquery'),
  ...sqlFilesOf(path.join(PROJECT_ROOT, 'test', 'fixtures'), 'bigquery'),
].map((f) => path.relative(PROJECT_ROOT, f));

const spec = { kind: 'bigquery' as const, projectId: 'nba-props-platform', location: 'US', dataset: 'an' };

describe('GoogleSQL grammar', () => {
  it('knows reserved words: the old unquoted coverage query does not parse', () => {
    const old =
      'SELECT CAST(d AS STRING) partition, COUNT(*) n FROM `p.d.t` WHERE d BETWEEN @start AND @end GROUP BY 1';
    expect(googleSqlSyntaxError(old)).toMatchObject({ line: 1, column: 35 });
  });

  it('finds the BigQuery SQL files the project ships', () => {
    expect(SHIPPED.filter((f) => f.startsWith('plans/')).length).toBeGreaterThanOrEqual(28);
    expect(SHIPPED.some((f) => f.startsWith('test/fixtures/'))).toBe(true);
  });

  it.each(SHIPPED)('%s parses', (file) => {
    expect(googleSqlSyntaxError(readFileSync(path.join(PROJECT_ROOT, file), 'utf8'))).toBeUndefined();
  });

  it.each(['game_date', 'partition', 'select', 'order', 'n'])(
    'the generated coverage query parses for a column named %s',
    (column) => {
      const sql = coverageSql(resolveTable(spec, 'summary'), column);
      expect(googleSqlSyntaxError(sql)).toBeUndefined();
    },
  );

  it('the generated notNull query parses, its names quoted and its table qualified', () => {
    const plan = {
      warehouse: spec,
      phases: [
        {
          id: 'p',
          groups: [{ steps: [{ id: 's', table: 'an.rows', partitionColumn: 'partition' }] }],
          gate: { id: 'p', minCoverage: 1, notNull: [], checks: [] },
        },
      ],
    } as unknown as ResolvedPlan;
    for (const rule of [
      { table: 'rows', column: 'select', maxRate: 0 },
      { table: 'an.rows', column: 'usage', maxRate: 0, where: 'minutes > 0' },
    ]) {
      const sql = notNullSql(plan, rule);
      expect(googleSqlSyntaxError(sql)).toBeUndefined();
      expect(sql).toContain('FROM `nba-props-platform.an.rows` WHERE `partition` BETWEEN @start AND @end');
    }
  });
});

describe('plan check on a BigQuery plan', () => {
  const bigquery = (doc: { warehouse: unknown }) => {
    doc.warehouse = spec;
  };

  it('passes the NBA plan switched to BigQuery (every sql/bigquery file and its notNull query parse)', () => {
    const dir = tempDir();
    cpSync(path.join(PROJECT_ROOT, 'plans', 'nba'), dir, { recursive: true });
    const res = checkPlanFile(editPlan(path.join(dir, 'plan.yaml'), bigquery));
    if (!res.ok) throw res.error;
    expect(res.plan.phases[0].gate.notNull).toHaveLength(1);
  });

  it('passes the fixture plan on BigQuery (its bigquery/ SQL files parse)', () => {
    const res = checkPlanFile(editPlan(copyFixture(), bigquery));
    if (!res.ok) throw res.error;
    expect(res.plan.warehouse.kind).toBe('bigquery');
  });

  it('names the .sql file and line of SQL that does not parse', () => {
    const file = copyFixture();
    editPlan(file, bigquery);
    const sqlFile = path.join(path.dirname(file), 'sql/bigquery/phase3/team_offense_game_summary.sql');
    writeFileSync(
      sqlFile,
      `-- summary\nSELECT game_id,\n  team_abbr\nFROM nba_raw.t\nWHERE game_date = @partition AND\n`,
    );
    const res = checkPlanFile(file);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('PLAN_INVALID');
    expect(res.error.issues).toHaveLength(1);
    expect(res.error.issues[0].path).toBe('phases[0].steps[0].sql');
    expect(res.error.issues[0].message).toMatch(
      /team_offense_game_summary\.sql line 6, column 1: Unexpected end of input/,
    );
  });

  it('names the plan line of inline SQL and of a notNull where that does not parse', () => {
    const file = editPlan(copyFixture(), (doc) => {
      bigquery(doc);
      doc.phases[0].steps[1].sql = 'SELECT game_date\nFROM nba_raw.t\nWHERE game_date = = @partition\n';
      doc.phases[0].gate.notNull[0].where = 'minutes >';
    });
    const err = planSqlError(file, loadPlan(file));
    expect(err?.issues.map((i) => i.path)).toEqual([
      'phases[0].steps[1].sql',
      'phases[0].gate.notNull[0].where',
    ]);
    const lines = readFileSync(file, 'utf8').split('\n');
    const sqlLine = lines.findIndex((l) => l.includes('WHERE game_date = =')) + 1;
    expect(err?.issues[0].message).toContain(`${file} line ${sqlLine} (SQL line 3, column 19)`);
    expect(err?.issues[1].message).toMatch(/notNull query: .* line \d+: /);
    expect(err?.message).toContain('Fix the plan and run `phased check');
  });

  it('leaves SQLite plans to SQLite: no GoogleSQL check', () => {
    const file = editPlan(copyFixture(), (doc) => {
      doc.phases[0].steps[1].sql = 'SELECT 1 AS partition';
    });
    expect(planSqlError(file, loadPlan(file))).toBeUndefined();
    expect(checkPlanFile(file).ok).toBe(true);
  });
});
