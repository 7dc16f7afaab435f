// Builds the ResolvedPlan from a validated document: defaults, one group for `steps`, gate defaults, the
// overrides. It reports nothing: everything it relies on was checked by schema.ts and rules.ts.

import { dirname } from 'node:path';
import type { CommandSpec, GateSpec, PhaseSpec, ResolvedPlan, StepSpec } from '../../machines/index.js';
import type { PlanOverrides } from './rules.js';
import type { GateDocument, PlanDocument, StepDocument } from './schema.js';

function resolveStep(
  s: StepDocument,
  partitionColumn: string,
  refillAll: boolean,
  planDir: string,
): StepSpec {
  const step: StepSpec = {
    id: s.id,
    table: s.table,
    kind: s.kind,
    partitionColumn: s.partitionColumn ?? partitionColumn,
    concurrency: s.concurrency,
    retries: s.retries,
    refill: refillAll ? 'all' : s.refill,
  };
  if (s.sql !== undefined) step.sql = s.sql;
  if (s.ddl !== undefined) step.ddl = s.ddl;
  if (s.expect?.minRows !== undefined) step.expect = { minRows: s.expect.minRows };
  if (s.kind === 'command' && s.command) {
    const command: CommandSpec = { argv: s.command };
    // Paths in a plan are relative to the plan file: so is a command's working directory.
    command.cwd = s.cwd ?? planDir;
    if (s.env !== undefined) command.env = s.env;
    if (s.timeout !== undefined) command.timeoutMs = Math.round(s.timeout * 1000);
    step.command = command;
  }
  return step;
}

function resolveGate(phaseId: string, g: GateDocument | undefined): GateSpec {
  // A phase without a gate still gets a gate state (uniform machine shape) that always passes.
  if (!g) return { id: phaseId, minCoverage: 0, notNull: [], checks: [] };
  const gate: GateSpec = {
    id: g.id ?? phaseId,
    minCoverage: g.minCoverage,
    notNull: g.notNull.map(({ where, ...n }) => (where === undefined ? n : { ...n, where })),
    checks: g.checks,
  };
  if (g.exclude !== undefined) gate.exclude = g.exclude;
  return gate;
}

/** The resolved plan of a valid document loaded from `source` (absolute). */
export function resolvePlan(doc: PlanDocument, source: string, overrides: PlanOverrides): ResolvedPlan {
  const refillAll = overrides.refill === 'all';
  const phases: PhaseSpec[] = doc.phases.map((p) => {
    const groups = p.groups ?? (p.steps ? [{ steps: p.steps }] : []);
    return {
      id: p.id,
      groups: groups.map((g) => ({
        steps: g.steps.map((s) => resolveStep(s, doc.partitionColumn, refillAll, dirname(source))),
      })),
      gate: resolveGate(p.id, p.gate),
    };
  });
  return {
    version: 1,
    name: doc.name,
    source,
    range: { start: overrides.start ?? doc.range.start, end: overrides.end ?? doc.range.end },
    warehouse: doc.warehouse,
    partitionColumn: doc.partitionColumn,
    partitionsSql: doc.partitions,
    prerequisites: doc.prerequisites ?? { tables: [], checks: [] },
    phases,
    maxConcurrency: doc.maxConcurrency,
    // Only when written: a plan without them keeps the hash it had before these keys existed.
    ...(doc.cost ? { cost: doc.cost } : {}),
    ...(doc.budget ? { budget: doc.budget } : {}),
    ...(doc.notify
      ? {
          notify: doc.notify.map((n) => ({
            on: n.on,
            webhook: n.webhook,
            ...(n.stalledAfter === undefined ? {} : { stalledAfterMs: n.stalledAfter }),
          })),
        }
      : {}),
  };
}
