// The baseline of a run: the partition calendar and, per step, what is present, missing and to run.
// Creates a missing table from the step's ddl when asked; the driver logs BASELINE_RECORDED.

import {
  allSteps,
  PhasedError,
  type ResolvedPlan,
  type StepBaseline,
  type StepSpec,
} from '../../machines/index.js';
import type { WarehouseReads } from '../warehouse/index.js';
import { MinRowsCache, presentPartitions } from './checks.js';

export interface BaselineOptions {
  /** Recompute every partition of every step (`--refill all`); default: only missing ones. */
  refill?: 'missing' | 'all';
  /** Run a step's ddl when its table is missing (a run); false measures without changing anything. */
  createTables: boolean;
  /** Bound to @run_id in the calendar and expectation queries (empty outside a run, e.g. a dry run). */
  runId?: string;
}

export interface Baseline {
  /** The calendar: every partition of the plan's range, sorted. */
  partitions: string[];
  steps: StepBaseline[];
}

async function stepBaseline(
  plan: ResolvedPlan,
  wh: WarehouseReads,
  step: StepSpec,
  calendar: string[],
  opts: BaselineOptions,
  cache: MinRowsCache,
): Promise<StepBaseline> {
  let createdTable = false;
  let counts = new Map<string, number>();
  if (await wh.tableExists(step.table)) {
    counts = await wh.partitionCounts(step.table, step.partitionColumn, plan.range);
  } else if (step.ddl && opts.createTables) {
    await wh.execute(step.ddl);
    createdTable = true;
  } else if (!step.ddl && step.kind === 'sql') {
    throw new PhasedError(
      'QUERY',
      `step ${step.id}: table ${step.table} does not exist and the step has no ddl; create the table or add \`ddl:\` to the step`,
    );
  }
  const { present, missing } = await presentPartitions(calendar, counts, {
    stepId: step.id,
    sql: step.expect?.minRows,
    cache,
  });
  const refillAll = step.refill === 'all' || opts.refill === 'all';
  return {
    step: step.id,
    expected: calendar.length,
    present,
    missing: missing.length,
    toRun: refillAll ? [...calendar] : missing,
    ...(createdTable ? { createdTable } : {}),
  };
}

/** Measures every step of the plan against the calendar of plan.partitionsSql over plan.range. */
export async function measureBaseline(
  plan: ResolvedPlan,
  wh: WarehouseReads,
  opts: BaselineOptions,
): Promise<Baseline> {
  const params = { start: plan.range.start, end: plan.range.end, run_id: opts.runId ?? '' };
  const partitions = await wh.listPartitions(plan.partitionsSql, params);
  const cache = new MinRowsCache(wh, params);
  const steps = await Promise.all(
    allSteps(plan).map((step) => stepBaseline(plan, wh, step, partitions, opts, cache)),
  );
  return { partitions, steps };
}
