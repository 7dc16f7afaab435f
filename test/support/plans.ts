// Small in-memory plans for machine and engine tests (the YAML loader has its own tests).
import type { GateSpec, PhaseSpec, ResolvedPlan, StepSpec } from '../../machines/index.js';

export function step(id: string, extra: Partial<StepSpec> = {}): StepSpec {
  return {
    id,
    table: id,
    kind: 'sql',
    partitionColumn: 'd',
    sql: `SELECT @partition AS d`,
    concurrency: 2,
    retries: 1,
    refill: 'missing',
    ...extra,
  };
}

export function gate(id: string, extra: Partial<GateSpec> = {}): GateSpec {
  return { id, minCoverage: 1, notNull: [], checks: [], ...extra };
}

export function phase(id: string, groups: string[][]): PhaseSpec {
  return { id, groups: groups.map((g) => ({ steps: g.map((s) => step(s)) })), gate: gate(id) };
}

/** Two phases: p1 = one group of two parallel steps; p2 = two groups in order. */
export function twoPhasePlan(): ResolvedPlan {
  return {
    version: 1,
    name: 'two-phase',
    source: 'memory',
    range: { start: '2024-01-01', end: '2024-01-03' },
    warehouse: { kind: 'sqlite', path: ':memory:' },
    partitionColumn: 'd',
    partitionsSql: 'SELECT 1',
    prerequisites: { tables: [], checks: [] },
    phases: [phase('p1', [['a', 'b']]), phase('p2', [['c'], ['d']])],
    maxConcurrency: 4,
  };
}
