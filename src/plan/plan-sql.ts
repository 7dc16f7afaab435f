// Which SQL texts of a plan must parse, and the PlanError naming field, file and line for each that does not: every
// SQL text the plan holds (inline or in .sql files) and the gate SQL phased builds around its notNull rules. A
// BigQuery plan's parse as GoogleSQL (googlesql.ts), a SQLite plan's as SQLite (sqlite-syntax.ts).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Dialect, PlanError, type ResolvedPlan } from '../../machines/index.js';
import { notNullSql } from '../gates/not-null.js';
import { googleSqlSyntaxError, type SyntaxProblem } from './googlesql.js';
import { formatPath } from './issues.js';
import { isSqlPath, sqlRefFile } from './sql-ref.js';
import { sqliteSyntaxError } from './sqlite-syntax.js';
import { parsePlanYaml } from './yaml.js';

/** Each warehouse's syntax check and the name its messages give the language. */
const CHECKS: Record<Dialect, { language: string; check: (sql: string) => SyntaxProblem | undefined }> = {
  bigquery: { language: 'GoogleSQL', check: googleSqlSyntaxError },
  sqlite: { language: 'SQLite SQL', check: sqliteSyntaxError },
};

type Path = (string | number)[];

/** A SQL file as the plan names it: relative to the plan's folder when inside it, else absolute. */
function shownPath(dir: string, file: string): string {
  const rel = path.relative(dir, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
type Doc = Record<string, unknown>;

const isRecord = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const rec = (v: unknown): Doc => (isRecord(v) ? v : {});

/** Every SQL-valued field of a plan document, with its path (the loader has already checked their shapes). */
function sqlFields(doc: Doc): { at: Path; value: string }[] {
  const out: { at: Path; value: string }[] = [];
  const add = (at: Path, value: unknown) => {
    if (typeof value === 'string') out.push({ at, value });
  };
  const steps = (at: Path, v: unknown) => {
    list(v).forEach((s, j) => {
      add([...at, j, 'sql'], rec(s).sql);
      add([...at, j, 'ddl'], rec(s).ddl);
      add([...at, j, 'expect', 'minRows'], rec(rec(s).expect).minRows);
    });
  };
  add(['partitions'], doc.partitions);
  list(rec(doc.prerequisites).checks).forEach((c, i) => {
    add(['prerequisites', 'checks', i, 'sql'], rec(c).sql);
  });
  list(doc.phases).forEach((p, i) => {
    const phase = rec(p);
    steps(['phases', i, 'steps'], phase.steps);
    list(phase.groups).forEach((g, k) => {
      steps(['phases', i, 'groups', k, 'steps'], rec(g).steps);
    });
    const gate = rec(phase.gate);
    add(['phases', i, 'gate', 'exclude'], gate.exclude);
    list(gate.checks).forEach((c, k) => {
      add(['phases', i, 'gate', 'checks', k, 'sql'], rec(c).sql);
    });
  });
  return out;
}

/**
 * The syntax errors of a loaded plan's SQL, in its warehouse's dialect, as one PlanError naming, per error, the
 * field, the file (the .sql file, or the plan for inline SQL) and the line; undefined when everything parses.
 */
export function planSqlError(file: string, plan: ResolvedPlan): PlanError | undefined {
  const dialect = plan.warehouse.kind;
  const { language, check } = CHECKS[dialect];
  const text = readFileSync(plan.source, 'utf8');
  const yaml = parsePlanYaml(text);
  if (!isRecord(yaml.value)) return undefined;
  const dir = path.dirname(plan.source);
  const issues: { path: string; message: string }[] = [];
  for (const { at, value } of sqlFields(yaml.value)) {
    const ref = isSqlPath(value) ? sqlRefFile(value, { dir, dialect }) : undefined;
    const sql = ref ? readFileSync(ref, 'utf8') : value;
    const bad = check(sql);
    if (!bad) continue;
    const where = ref
      ? `${shownPath(dir, ref)} line ${bad.line}, column ${bad.column}`
      : `${file} line ${(yaml.textLineOf(at) ?? 1) + bad.line - 1} (SQL line ${bad.line}, column ${bad.column})`;
    issues.push({
      path: formatPath(at),
      message: `expected ${language} that parses: ${where}: ${bad.message}`,
    });
  }
  // The gate SQL phased builds around each notNull rule (its `where` is plan SQL, kept as written).
  plan.phases.forEach((phase, i) => {
    phase.gate.notNull.forEach((rule, k) => {
      let bad: SyntaxProblem | undefined;
      try {
        bad = check(notNullSql(plan, rule));
      } catch {
        return; // a table that cannot be resolved is reported when the gate runs
      }
      if (!bad) return;
      const at: Path = ['phases', i, 'gate', 'notNull', k, 'where'];
      const line = yaml.lineOf(at) ?? 1;
      issues.push({
        path: formatPath(at),
        message: `expected ${language} that parses in the gate's notNull query: ${file} line ${line}: ${bad.message}`,
      });
    });
  });
  return issues.length > 0 ? new PlanError(file, issues) : undefined;
}

/** Throws planSqlError's PlanError (exit 2) if there is one. */
export function assertPlanSql(file: string, plan: ResolvedPlan): void {
  const err = planSqlError(file, plan);
  if (err) throw err;
}
