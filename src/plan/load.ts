// Loads a plan file: reads the YAML (keeping line numbers), validates it, resolves it, and throws one
// PlanError listing every problem. Hashing, diffing and describing a resolved plan live beside it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Dialect, PlanError, type ResolvedPlan } from '../../machines/index.js';
import { describePlan } from './describe.js';
import { describeIssue, formatPath, fromZod, type Issue } from './issues.js';
import { planSqlError } from './plan-sql.js';
import { resolvePlan } from './resolve.js';
import { type PlanOverrides, rangeIssues, structureIssues } from './rules.js';
import { planSchema } from './schema.js';
import { type PlanSource, SourceRecorder } from './sources.js';
import { type ParsedYaml, parsePlanYaml } from './yaml.js';

function dialectOf(doc: unknown): Dialect | undefined {
  const kind = (doc as { warehouse?: { kind?: unknown } } | null)?.warehouse?.kind;
  return kind === 'sqlite' || kind === 'bigquery' ? kind : undefined;
}

/** Issues in document order, each message ending with its line when the YAML node is known. */
function planError(file: string, issues: Issue[], lineOf: ParsedYaml['lineOf']): PlanError {
  const located = issues.map((issue, order) => ({ issue, order, line: lineOf(issue.path) }));
  located.sort(
    (a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) || a.order - b.order,
  );
  return new PlanError(
    file,
    located.map(({ issue, line }) => ({
      path: formatPath(issue.path),
      message: line === undefined ? issue.message : `${issue.message} (line ${line})`,
    })),
  );
}

/**
 * Reads, validates and resolves a plan file. Throws a PlanError naming the file, listing every problem
 * with its document path; a missing or unreadable file is a PlanError too.
 */
export function loadPlan(file: string, overrides: PlanOverrides = {}): ResolvedPlan {
  return loadPlanWithSources(file, overrides).plan;
}

/** loadPlan, also naming the files it read (the plan file and its SQL files) with their digests. */
export function loadPlanWithSources(
  file: string,
  overrides: PlanOverrides = {},
): { plan: ResolvedPlan; sources: PlanSource[] } {
  const source = path.resolve(file);
  const recorder = new SourceRecorder();
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no such file' : (code ?? String(err));
    throw new PlanError(file, [
      { path: '', message: `expected a readable plan file at ${source}, found ${found}` },
    ]);
  }
  recorder.read(source, text);
  const yaml = parsePlanYaml(text);
  if (yaml.errors.length > 0) throw planError(file, yaml.errors, () => undefined);
  // Each load builds its own schema and parses once: zod's compiled fast path would only add compile time.
  const schema = planSchema({
    dir: path.dirname(source),
    dialect: dialectOf(yaml.value),
    onRead: (f, t) => recorder.read(f, t),
  });
  const result = schema.safeParse(yaml.value, {
    error: describeIssue,
    jitless: true,
  });
  const issues = [
    ...(result.success ? [] : fromZod(result.error.issues)),
    ...structureIssues(yaml.value),
    ...rangeIssues(yaml.value, overrides),
  ];
  if (issues.length > 0 || !result.success) throw planError(file, issues, yaml.lineOf);
  return { plan: resolvePlan(result.data, source, overrides), sources: recorder.list() };
}

export type CheckPlanResult =
  | { ok: true; plan: ResolvedPlan; summary: string }
  | { ok: false; error: PlanError };

/**
 * loadPlan for the CLI's `check`: the plan and its summary, or the PlanError (other errors propagate).
 * The plan's SQL must also parse in its warehouse's dialect (GoogleSQL, SQLite).
 */
export function checkPlanFile(file: string, overrides: PlanOverrides = {}): CheckPlanResult {
  try {
    const plan = loadPlan(file, overrides);
    const sqlError = planSqlError(file, plan);
    if (sqlError) return { ok: false, error: sqlError };
    return { ok: true, plan, summary: describePlan(plan) };
  } catch (err) {
    if (err instanceof PlanError) return { ok: false, error: err };
    throw err;
  }
}
