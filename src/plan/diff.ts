// Human summary of what changed between two resolved plans (shown when a resumed run's plan file moved on).
// Compares the portable form planHash uses, so an empty diff and an equal hash go together.

import type { CheckSpec, GateSpec, NotNullSpec, ResolvedPlan, StepSpec } from '../../machines/index.js';
import { canonicalJson, portablePlan } from './hash.js';

function fmt(value: unknown): string {
  if (value === undefined) return '(none)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(fmt).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return canonicalJson(value);
  return String(value);
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/** `label a → b` when a scalar or small value changed. */
function value(out: string[], label: string, a: unknown, b: unknown): void {
  if (!same(a, b)) out.push(`${label} ${fmt(a)} → ${fmt(b)}`);
}

/** `label added|removed|changed` for SQL text, which is too long to print. */
function sql(out: string[], label: string, a: string | undefined, b: string | undefined): void {
  if (a === b) return;
  out.push(`${label} ${a === undefined ? 'added' : b === undefined ? 'removed' : 'changed'}`);
}

/** Compares two lists keyed by `key`, reporting added and removed entries and changes of kept ones. */
function keyed<T>(
  out: string[],
  label: string,
  a: T[],
  b: T[],
  key: (t: T) => string,
  compare: (prefix: string, x: T, y: T) => void,
): void {
  const before = new Map(a.map((t) => [key(t), t]));
  const after = new Map(b.map((t) => [key(t), t]));
  for (const [k, t] of before) {
    const u = after.get(k);
    if (u === undefined) out.push(`${label} ${k} removed`);
    else compare(`${label} ${k}:`, t, u);
  }
  for (const k of after.keys()) if (!before.has(k)) out.push(`${label} ${k} added`);
}

function checks(out: string[], label: string, a: CheckSpec[], b: CheckSpec[]): void {
  keyed(
    out,
    label,
    a,
    b,
    (c) => JSON.stringify(c.name),
    (p, x, y) => sql(out, `${p} sql`, x.sql, y.sql),
  );
}

function gate(out: string[], p: string, a: GateSpec, b: GateSpec): void {
  value(out, `${p} gate.id`, a.id, b.id);
  value(out, `${p} gate.minCoverage`, a.minCoverage, b.minCoverage);
  sql(out, `${p} gate.exclude`, a.exclude, b.exclude);
  keyed<NotNullSpec>(
    out,
    `${p} gate.notNull`,
    a.notNull,
    b.notNull,
    (n) => `${n.table}.${n.column}`,
    (q, x, y) => {
      value(out, `${q} maxRate`, x.maxRate, y.maxRate);
      value(out, `${q} where`, x.where, y.where);
    },
  );
  checks(out, `${p} gate check`, a.checks, b.checks);
}

function step(out: string[], p: string, a: StepSpec, b: StepSpec): void {
  for (const key of ['table', 'kind', 'partitionColumn', 'concurrency', 'retries', 'refill'] as const) {
    value(out, `${p} ${key}`, a[key], b[key]);
  }
  sql(out, `${p} sql`, a.sql, b.sql);
  sql(out, `${p} ddl`, a.ddl, b.ddl);
  sql(out, `${p} expect.minRows`, a.expect?.minRows, b.expect?.minRows);
  value(out, `${p} command`, a.command?.argv, b.command?.argv);
  value(out, `${p} cwd`, a.command?.cwd, b.command?.cwd);
  value(out, `${p} env`, a.command?.env, b.command?.env);
  value(out, `${p} timeoutMs`, a.command?.timeoutMs, b.command?.timeoutMs);
}

function placed(plan: Omit<ResolvedPlan, 'source'>): { step: StepSpec; where: string }[] {
  return plan.phases.flatMap((ph) =>
    ph.groups.flatMap((g, gi) => g.steps.map((s) => ({ step: s, where: `${ph.id} group ${gi + 1}` }))),
  );
}

/** One line per difference, e.g. `step x: sql changed`, `range.end 2026-01-03 → 2026-01-10`; [] when equal. */
export function diffPlans(oldPlan: ResolvedPlan, newPlan: ResolvedPlan): string[] {
  const a = portablePlan(oldPlan);
  const b = portablePlan(newPlan);
  const out: string[] = [];
  value(out, 'name', a.name, b.name);
  value(out, 'range.start', a.range.start, b.range.start);
  value(out, 'range.end', a.range.end, b.range.end);
  const keys = new Set([...Object.keys(a.warehouse), ...Object.keys(b.warehouse)]);
  for (const k of [...keys].sort()) {
    value(
      out,
      `warehouse.${k}`,
      (a.warehouse as unknown as Record<string, unknown>)[k],
      (b.warehouse as unknown as Record<string, unknown>)[k],
    );
  }
  value(out, 'partitionColumn', a.partitionColumn, b.partitionColumn);
  sql(out, 'partitions', a.partitionsSql, b.partitionsSql);
  value(out, 'maxConcurrency', a.maxConcurrency, b.maxConcurrency);
  keyed(
    out,
    'prerequisites.tables',
    a.prerequisites.tables,
    b.prerequisites.tables,
    (t) => t,
    () => {},
  );
  checks(out, 'prerequisite check', a.prerequisites.checks, b.prerequisites.checks);
  keyed(
    out,
    'phase',
    a.phases,
    b.phases,
    (ph) => ph.id,
    (p, x, y) => gate(out, p, x.gate, y.gate),
  );
  const kept = (ids: string[], other: Set<string>) => ids.filter((id) => other.has(id));
  const aIds = a.phases.map((ph) => ph.id);
  const bIds = b.phases.map((ph) => ph.id);
  value(out, 'phase order', kept(aIds, new Set(bIds)), kept(bIds, new Set(aIds)));
  const bSteps = new Map(placed(b).map((s) => [s.step.id, s]));
  for (const { step: s, where } of placed(a)) {
    const t = bSteps.get(s.id);
    if (t) value(out, `step ${s.id}: moved`, where, t.where);
  }
  keyed(
    out,
    'step',
    placed(a),
    placed(b),
    (s) => s.step.id,
    (p, x, y) => step(out, p, x.step, y.step),
  );
  return out;
}
