// A short human summary of a resolved plan, printed by `phased check`: range, warehouse, phases, groups,
// steps with their concurrency, and gates. Formatting only; it reads nothing from disk.

import type { GateSpec, ResolvedPlan, StepSpec, WarehouseSpec } from '../../machines/index.js';
import { planHash } from './hash.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function warehouseLine(w: WarehouseSpec): string {
  if (w.kind === 'sqlite') return `sqlite ${w.path}`;
  const dataset = w.dataset ? ` dataset ${w.dataset}` : '';
  const cap = w.maximumBytesBilled ? `, at most ${w.maximumBytesBilled} bytes billed per query` : '';
  return `bigquery project ${w.projectId} (${w.location})${dataset}${cap}`;
}

function stepLine(s: StepSpec): string {
  const what = s.kind === 'command' ? `command ${s.command?.argv.join(' ') ?? ''}` : 'sql';
  const extras = [
    `concurrency ${s.concurrency}`,
    `retries ${s.retries}`,
    `refill ${s.refill}`,
    `by ${s.partitionColumn}`,
    ...(s.ddl ? ['ddl'] : []),
    ...(s.expect?.minRows ? ['expects min rows'] : []),
  ];
  return `${s.id} → ${s.table} (${what}; ${extras.join(', ')})`;
}

function gateLine(g: GateSpec): string {
  const parts = [`coverage >= ${Math.round(g.minCoverage * 1000) / 10}%`];
  if (g.exclude) parts.push('with exclusions');
  for (const n of g.notNull)
    parts.push(`${n.table}.${n.column} NULL <= ${Math.round(n.maxRate * 1000) / 10}%`);
  if (g.checks.length > 0) parts.push(plural(g.checks.length, 'check'));
  return `gate ${g.id}: ${parts.join('; ')}`;
}

/** Multi-line summary: name, hash, range, warehouse, prerequisites, each phase's groups and steps, gates. */
export function describePlan(plan: ResolvedPlan): string {
  const steps = plan.phases.reduce((n, p) => n + p.groups.reduce((m, g) => m + g.steps.length, 0), 0);
  const lines = [
    `plan ${plan.name} (hash ${planHash(plan).slice(0, 12)})`,
    `  range: ${plan.range.start} .. ${plan.range.end}`,
    `  warehouse: ${warehouseLine(plan.warehouse)}`,
    `  partitions by ${plan.partitionColumn}; at most ${plan.maxConcurrency} units in flight; ${plural(steps, 'step')}`,
    `  prerequisites: ${plural(plan.prerequisites.tables.length, 'table')}, ${plural(plan.prerequisites.checks.length, 'check')}`,
  ];
  for (const phase of plan.phases) {
    lines.push(`  phase ${phase.id}: ${plural(phase.groups.length, 'group')}`);
    phase.groups.forEach((group, i) => {
      const label = phase.groups.length === 1 ? 'parallel' : `group ${i + 1}, parallel`;
      lines.push(`    ${label}:`);
      for (const s of group.steps) lines.push(`      ${stepLine(s)}`);
    });
    lines.push(`    ${gateLine(phase.gate)}`);
  }
  return lines.join('\n');
}
