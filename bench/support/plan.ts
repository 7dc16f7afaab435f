// In-memory plans for the benchmarks: one phase of no-op SQL steps over a synthetic daily calendar.
// Built in the ResolvedPlan shape the loader produces; the YAML loader is not what is measured here.

import type { ResolvedPlan, StepSpec } from '../../machines/index.js';

const DAY_MS = 86_400_000;

/** `n` consecutive days starting at `start` (YYYY-MM-DD). */
export function calendar(n: number, start = '2000-01-01'): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = new Date(t0 + i * DAY_MS).toISOString().slice(0, 10);
  return out;
}

export interface BenchPlanOptions {
  /** Partitions in the calendar. */
  partitions: string[];
  /** Steps in the one parallel group. */
  steps?: number;
  /** Per-step and global concurrency. */
  concurrency?: number;
}

export function benchStep(id: string, concurrency: number): StepSpec {
  return {
    id,
    table: id,
    kind: 'sql',
    partitionColumn: 'd',
    sql: 'SELECT @partition AS d',
    concurrency,
    retries: 0,
    refill: 'missing',
  };
}

export function benchPlan(opts: BenchPlanOptions): ResolvedPlan {
  const c = opts.concurrency ?? 1;
  const steps = Array.from({ length: opts.steps ?? 1 }, (_, i) => benchStep(`s${i}`, c));
  const p = opts.partitions;
  return {
    version: 1,
    name: 'bench',
    source: 'memory',
    range: { start: p[0], end: p[p.length - 1] },
    warehouse: { kind: 'sqlite', path: ':memory:' },
    partitionColumn: 'd',
    partitionsSql: 'SELECT 1',
    prerequisites: { tables: [], checks: [] },
    phases: [{ id: 'p1', groups: [{ steps }], gate: { id: 'g1', minCoverage: 1, notNull: [], checks: [] } }],
    maxConcurrency: c,
  };
}
