// The resolved plan model: the frozen, validated shape every layer shares.
// Pure types only; loading and validating YAML lives in src/plan.

import type { BudgetSpec, CostSpec, NotifySpec } from './cost-plan.js';

export type Dialect = 'sqlite' | 'bigquery';

export interface DateRange {
  /** Inclusive, YYYY-MM-DD. */
  start: string;
  /** Inclusive, YYYY-MM-DD. */
  end: string;
}

export interface SqliteWarehouseSpec {
  kind: 'sqlite';
  /** Absolute path of the warehouse database file. */
  path: string;
}

export interface BigQueryWarehouseSpec {
  kind: 'bigquery';
  projectId: string;
  location: string;
  dataset?: string;
  maximumBytesBilled?: string;
  labels?: Record<string, string>;
}

export type WarehouseSpec = SqliteWarehouseSpec | BigQueryWarehouseSpec;

export interface CheckSpec {
  name: string;
  /** SQL returning a row with `ok` (truthy) and optionally `detail`. */
  sql: string;
}

export interface NotNullSpec {
  table: string;
  column: string;
  /** Highest tolerated share of NULL values, 0..1. */
  maxRate: number;
  where?: string;
}

export interface CommandSpec {
  /** argv; `{partition}` is replaced by the unit's partition. */
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface StepSpec {
  id: string;
  /** Output table (SQLite: `dataset_table`; BigQuery: `dataset.table`). */
  table: string;
  kind: 'sql' | 'command';
  partitionColumn: string;
  /** SELECT of one partition's rows (kind `sql`); parameters @partition, @start, @end, @run_id. */
  sql?: string;
  /** Creates the table when it does not exist; run once during the baseline. */
  ddl?: string;
  command?: CommandSpec;
  concurrency: number;
  retries: number;
  refill: 'missing' | 'all';
  /** SQL returning `min_rows` for @partition: a shorter partition fails with EXPECTATION. */
  expect?: { minRows?: string };
}

export interface GroupSpec {
  steps: StepSpec[];
}

export interface GateSpec {
  /** Gate id; defaults to the phase id. */
  id: string;
  minCoverage: number;
  /** SQL listing partitions that are not expected to exist (e.g. bootstrap days). */
  exclude?: string;
  notNull: NotNullSpec[];
  checks: CheckSpec[];
}

export interface PhaseSpec {
  id: string;
  groups: GroupSpec[];
  gate: GateSpec;
}

export interface ResolvedPlan {
  version: 1;
  name: string;
  /** Absolute path of the plan file it was loaded from. */
  source: string;
  range: DateRange;
  warehouse: WarehouseSpec;
  partitionColumn: string;
  /** SQL listing the partitions (`partition` column) between @start and @end. */
  partitionsSql: string;
  prerequisites: { tables: string[]; checks: CheckSpec[] };
  phases: PhaseSpec[];
  /** Upper bound on units in flight across all steps. */
  maxConcurrency: number;
  /** Price per TiB for estimates (absent: the on-demand list price). */
  cost?: CostSpec;
  /** The run's bytes-billed budget (BigQuery). */
  budget?: BudgetSpec;
  /** Webhooks told when the run needs attention or ends. */
  notify?: NotifySpec[];
}

/** Every step of a plan, in phase and group order. */
export function allSteps(plan: Pick<ResolvedPlan, 'phases'>): StepSpec[] {
  return plan.phases.flatMap((p) => p.groups.flatMap((g) => g.steps));
}

/** The phase a step belongs to, with its group index. */
export function locateStep(
  plan: Pick<ResolvedPlan, 'phases'>,
  stepId: string,
): { phase: PhaseSpec; group: number; step: StepSpec } | undefined {
  for (const phase of plan.phases) {
    for (const [group, g] of phase.groups.entries()) {
      const step = g.steps.find((s) => s.id === stepId);
      if (step) return { phase, group, step };
    }
  }
  return undefined;
}
