// A SQLite plan's SQL is compiled by SQLite itself before a run exists: every SQLite text phased ships parses;
// multi-statement DDL (a trigger's body included), strings and comments holding `;`, and names an empty database
// lacks are not syntax errors; the parser's own errors are refused, naming the field, file and line.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPlanFile, loadPlan, planSqlError, sqliteSyntaxError } from '../../../src/plan/index.js';
import { PROJECT_ROOT } from '../../support/synthetic.js';
import { copyFixture, editPlan, sqlFilesOf } from './helpers.js';

describe('sqliteSyntaxError', () => {
  it('passes every SQLite SQL file phased ships (the NBA plan, the fixtures, the starter)', () => {
    const files = ['plans', 'test/fixtures', 'docs/examples'].flatMap((d) =>
      sqlFilesOf(path.join(PROJECT_ROOT, d), 'sqlite'),
    );
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect(sqliteSyntaxError(readFileSync(f, 'utf8')), f).toBeUndefined();
  });

  it('takes several statements, a trigger body, `;` in strings, names and comments, and unknown names', () => {
    const ok = [
      'CREATE TABLE IF NOT EXISTS t (d TEXT, v INTEGER);\nCREATE INDEX IF NOT EXISTS t_d ON t (d);\n',
      'CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET v = 1;\n  DELETE FROM u;\nEND;',
      'SELECT \';\' AS "a;b", [c;d] FROM `e;f` -- a comment; with a semicolon\n/* another; */ WHERE d = @partition',
      'SELECT no_such_column FROM no_such_table WHERE d = @partition',
      'SELECT 1;\n-- trailing comment only\n',
    ];
    for (const sql of ok) expect(sqliteSyntaxError(sql), sql).toBeUndefined();
  });

  it('refuses what the parser cannot take, at the line of the statement', () => {
    expect(sqliteSyntaxError('SELEC 1')).toEqual({
      line: 1,
      column: 1,
      message: 'near "SELEC": syntax error',
    });
    expect(
      sqliteSyntaxError('CREATE TABLE a (x);\nCREATE TABLE b (y);\nSELECT x FROM a WHERE x = = 1;'),
    ).toEqual({
      line: 3,
      column: 27,
      message: 'near "=": syntax error',
    });
    expect(sqliteSyntaxError('SELECT 1; SELECT 2 +;')).toMatchObject({ line: 1, column: 21 });
    expect(sqliteSyntaxError('SELECT d FROM t WHERE')?.message).toBe('incomplete input');
    expect(sqliteSyntaxError("SELECT 'unterminated FROM t")?.message).toMatch(/unrecognized token/);
  });
});

describe('a SQLite plan whose SQL does not parse', () => {
  it('is refused by check, naming the field, file and line; a plan of valid SQL passes', () => {
    const file = copyFixture();
    expect(checkPlanFile(file).ok).toBe(true);
    const sqlFile = path.join(path.dirname(file), 'sql/sqlite/checks/schedule.sql');
    writeFileSync(
      sqlFile,
      '-- the schedule reaches the end\nSELECT COUNT(*) > 0 AS ok\nFROM nba_raw_schedule\nWHERE\n',
    );
    const res = checkPlanFile(file);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('PLAN_INVALID');
    expect(res.error.issues).toHaveLength(1);
    expect(res.error.issues[0].message).toMatch(
      /expected SQLite SQL that parses: sql\/sqlite\/checks\/schedule\.sql line \d+, column \d+: incomplete input/,
    );
  });

  it('names the plan line of inline SQL that does not parse', () => {
    const file = editPlan(copyFixture(), (doc) => {
      doc.phases[0].steps[1].sql = 'SELECT game_date\nFROM t\nWHERE game_date = = @partition\n';
    });
    const err = planSqlError(file, loadPlan(file));
    expect(err?.issues.map((i) => i.path)).toEqual(['phases[0].steps[1].sql']);
    const lines = readFileSync(file, 'utf8').split('\n');
    const sqlLine = lines.findIndex((l) => l.includes('WHERE game_date = =')) + 1;
    expect(err?.issues[0].message).toContain(`${file} line ${sqlLine} (SQL line 3, column 19)`);
    expect(err?.issues[0].message).toContain('near "=": syntax error');
  });
});
