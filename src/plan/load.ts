// Loads a plan file: reads the YAML (keeping line numbers), validates it, resolves it, and throws one
// PlanError listing every problem. Hashing, diffing and describing a resolved plan live beside it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { type Dialect, PlanError, type ResolvedPlan } from '../../machines/index.js';
import { describePlan } from './describe.js';
import { describeIssue, formatPath, fromZod, type Issue } from './issues.js';
import { resolvePlan } from './resolve.js';
import { type PlanOverrides, rangeIssues, structureIssues } from './rules.js';
import { planSchema } from './schema.js';

interface ParsedYaml {
  value: unknown;
  errors: Issue[];
  lineOf(path: Issue['path']): number | undefined;
}

function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  // Later YAML errors mostly cascade from the first one: report it with a count of the rest.
  const errors: Issue[] = doc.errors.slice(0, 1).map((e) => {
    const line = e.linePos ? text.split('\n')[e.linePos[0].line - 1] : undefined;
    const hint = line?.includes('{dialect}') ? '; inside [ ] or { } quote values that contain {dialect}' : '';
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML errors after it)` : '';
    return { path: [], message: `expected valid YAML: ${e.message.split('\n')[0]}${hint}${more}` };
  });
  const lineOf = (at: Issue['path']): number | undefined => {
    if (typeof at[0] === 'string' && at[0].startsWith('--')) return undefined;
    for (let n = at.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  let value: unknown;
  if (errors.length === 0) {
    try {
      value = doc.toJS();
    } catch (err) {
      errors.push({
        path: [],
        message: `expected valid YAML: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  return { value, errors, lineOf };
}

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
  const source = path.resolve(file);
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
  const yaml = parseYaml(text);
  if (yaml.errors.length > 0) throw planError(file, yaml.errors, () => undefined);
  // Each load builds its own schema and parses once: zod's compiled fast path would only add compile time.
  const schema = planSchema({ dir: path.dirname(source), dialect: dialectOf(yaml.value) });
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
  return resolvePlan(result.data, source, overrides);
}

export type CheckPlanResult =
  | { ok: true; plan: ResolvedPlan; summary: string }
  | { ok: false; error: PlanError };

/** loadPlan for the CLI's `check`: the plan and its summary, or the PlanError (other errors propagate). */
export function checkPlanFile(file: string, overrides: PlanOverrides = {}): CheckPlanResult {
  try {
    const plan = loadPlan(file, overrides);
    return { ok: true, plan, summary: describePlan(plan) };
  } catch (err) {
    if (err instanceof PlanError) return { ok: false, error: err };
    throw err;
  }
}
