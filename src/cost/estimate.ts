// The cost estimate of a run before it starts: per step, the bytes BigQuery dry runs say each unit would
// process (sampled when there are many partitions) and their price; on SQLite, rows and seconds measured.
// It reads the warehouse only; the dry-run report (src/engine/dry-run.ts) prints it.

import {
  allSteps,
  costOf,
  errorInfo,
  ON_DEMAND_PRICE_PER_TIB,
  type ResolvedPlan,
  type StepSpec,
} from '../../machines/index.js';
import { Semaphore } from '../engine/semaphore.js';
import { isBigQueryWarehouse, type WarehouseReads } from '../warehouse/index.js';

/** Partitions dry-run per step at most; more are sampled evenly. */
export const BQ_SAMPLE = 12;
/** BigQuery dry runs in flight at once for one estimate. */
export const DRY_RUNS_AT_ONCE = 4;
/** Partitions whose SELECT is timed per step on SQLite. */
export const SQLITE_SAMPLE = 3;

export interface StepEstimate {
  step: string;
  /** Units the run would start. */
  units: number;
  /** Which partitions were measured: all of them, or an even sample. */
  sample?: { size: number; of: number; partitions: string[] };
  /** BigQuery: bytes per unit (mean of the sample) and for all units, and their cost. */
  bytesPerUnit?: number;
  bytes?: number;
  cost?: number;
  /** SQLite: rows per unit (mean of the partitions present, the baseline's counts) and seconds per unit. */
  rowsPerUnit?: number;
  rows?: number;
  secondsPerUnit?: number;
  seconds?: number;
  /** How the figures were obtained, or why there are none. */
  basis: string;
}

export interface Estimate {
  /** USD per TiB billed, from the plan's `cost.pricePerTiB` or the on-demand list price. */
  pricePerTiB: number;
  steps: StepEstimate[];
  /** Totals of the steps that have a figure. */
  bytes?: number;
  cost?: number;
  rows?: number;
  seconds?: number;
  /** Partitions measured per step at most (the sample size), and whether any step was sampled. */
  sampleSize: number;
  sampled: boolean;
  /** What the figures leave out, stated plainly. */
  notEstimated: string[];
}

/** `k` partitions spread evenly over `list` (first and last included), or all of them when there are few. */
export function samplePartitions(list: readonly string[], k: number): string[] {
  if (list.length <= k) return [...list];
  if (k <= 1) return [list[0]];
  const out: string[] = [];
  for (let i = 0; i < k; i++) out.push(list[Math.round((i * (list.length - 1)) / (k - 1))]);
  return [...new Set(out)];
}

const tableId = (table: string) => table.replace(/`/g, '').split('.').pop() ?? table;

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

async function bigQueryStep(
  plan: ResolvedPlan,
  wh: WarehouseReads,
  step: StepSpec,
  toRun: string[],
  sampleSize: number,
  price: number,
  gate: Semaphore,
): Promise<StepEstimate> {
  const units = toRun.length;
  if (step.kind !== 'sql' || !step.sql) return { step: step.id, units, basis: 'command step: not estimated' };
  if (units === 0 || !isBigQueryWarehouse(wh)) return { step: step.id, units, basis: 'nothing to run' };
  const partitions = samplePartitions(toRun, sampleSize);
  const produced = new Set(allSteps(plan).map((s) => tableId(s.table)));
  const sql = step.sql;
  let failure: string | undefined;
  const bytes = await Promise.all(
    partitions.map(async (partition) => {
      await gate.acquire();
      try {
        const params = { partition, start: plan.range.start, end: plan.range.end, run_id: 'dry-run' };
        return (await wh.dryRun(sql, params)).bytesProcessed;
      } catch (err) {
        const info = errorInfo(err);
        const reads = [...new Set(info.message.split(/[^A-Za-z0-9_$-]+/))].find((w) => produced.has(w));
        failure ??=
          info.code === 'NOT_FOUND' && reads
            ? `not estimated: reads ${reads}, which a step of this plan creates`
            : `dry run failed: ${info.message}`;
        return undefined;
      } finally {
        gate.release();
      }
    }),
  );
  if (failure) return { step: step.id, units, basis: failure };
  const known = bytes as number[];
  const total =
    partitions.length === units ? known.reduce((a, b) => a + b, 0) : Math.round(mean(known) * units);
  return {
    step: step.id,
    units,
    sample: { size: partitions.length, of: units, partitions },
    bytesPerUnit: Math.round(mean(known)),
    bytes: total,
    cost: costOf(total, price),
    basis:
      partitions.length === units
        ? `BigQuery dry run of each of the ${units} partitions`
        : `BigQuery dry runs of ${partitions.length} of ${units} partitions (sampled evenly), mean × ${units}`,
  };
}

async function sqliteStep(
  plan: ResolvedPlan,
  wh: WarehouseReads,
  step: StepSpec,
  toRun: string[],
  present: string[],
): Promise<StepEstimate> {
  const units = toRun.length;
  if (step.kind !== 'sql' || !step.sql) return { step: step.id, units, basis: 'command step: not estimated' };
  if (units === 0) return { step: step.id, units, basis: 'nothing to run' };
  // Rows: the baseline's counts of the partitions already present; seconds: the step's SELECT timed on a
  // sample of the partitions to run (read only, nothing written).
  let rowsPerUnit: number | undefined;
  let rowsBasis = '';
  if (present.length > 0 && (await wh.tableExists(step.table))) {
    const counts = await wh.partitionCounts(step.table, step.partitionColumn, plan.range);
    const n = present.map((p) => counts.get(p) ?? 0);
    rowsPerUnit = mean(n);
    rowsBasis = `rows: mean of the ${present.length} partitions present (baseline counts)`;
  }
  const partitions = samplePartitions(toRun, SQLITE_SAMPLE);
  const ms: number[] = [];
  const sampledRows: number[] = [];
  for (const partition of partitions) {
    const t0 = performance.now();
    let rows: unknown[];
    try {
      rows = await wh.query(step.sql, {
        partition,
        start: plan.range.start,
        end: plan.range.end,
        run_id: 'dry-run',
      });
    } catch (err) {
      // Typically a table an earlier step creates, which a dry run does not create.
      return { step: step.id, units, basis: `not estimated: its SELECT failed (${errorInfo(err).message})` };
    }
    ms.push(performance.now() - t0);
    sampledRows.push(rows.length);
  }
  if (rowsPerUnit === undefined) {
    rowsPerUnit = mean(sampledRows);
    rowsBasis = `rows: mean of the step's SELECT on ${partitions.length} partitions to run (no partition present)`;
  }
  const secondsPerUnit = mean(ms) / 1000;
  return {
    step: step.id,
    units,
    sample: { size: partitions.length, of: units, partitions },
    rowsPerUnit,
    rows: Math.round(rowsPerUnit * units),
    secondsPerUnit,
    seconds: secondsPerUnit * units,
    basis: `${rowsBasis}; seconds: the step's SELECT timed on ${partitions.length} of ${units} partitions, one at a time (writes not included)`,
  };
}

const NOT_ESTIMATED_BQ = [
  'capacity (slot, editions) pricing: such projects are billed for slot time, not bytes; the cost shown is on-demand only',
  "BigQuery's free monthly TiB, storage, and writing the destination partitions",
  'command steps',
  'steps whose SQL reads a table this plan creates before it exists',
];
const NOT_ESTIMATED_SQLITE = [
  'bytes and money: SQLite has no billing; rows and seconds are measured here, not predicted',
  'command steps',
  'time spent writing rows and waiting for the write lock',
];

function sum(steps: StepEstimate[], key: 'bytes' | 'cost' | 'rows' | 'seconds'): number | undefined {
  const xs = steps.map((s) => s[key]).filter((x): x is number => x !== undefined);
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0);
}

/** Estimate every step's units to run (`toRun` and `present` per step, from the baseline). */
export async function estimateRun(
  plan: ResolvedPlan,
  wh: WarehouseReads,
  baseline: { step: string; toRun: string[]; present: string[] }[],
  opts: { sample?: number } = {},
): Promise<Estimate> {
  const price = plan.cost?.pricePerTiB ?? ON_DEMAND_PRICE_PER_TIB;
  const bq = plan.warehouse.kind === 'bigquery';
  const sampleSize = opts.sample ?? (bq ? BQ_SAMPLE : SQLITE_SAMPLE);
  const specs = new Map(allSteps(plan).map((s) => [s.id, s]));
  const gate = new Semaphore(DRY_RUNS_AT_ONCE);
  const steps: StepEstimate[] = [];
  // SQLite steps one at a time: their timings must not share the machine with each other.
  if (bq) {
    steps.push(
      ...(await Promise.all(
        baseline.map((b) =>
          bigQueryStep(plan, wh, specs.get(b.step) as StepSpec, b.toRun, sampleSize, price, gate),
        ),
      )),
    );
  } else {
    for (const b of baseline) {
      steps.push(await sqliteStep(plan, wh, specs.get(b.step) as StepSpec, b.toRun, b.present));
    }
  }
  const figures = bq
    ? { bytes: sum(steps, 'bytes'), cost: sum(steps, 'cost') }
    : { rows: sum(steps, 'rows'), seconds: sum(steps, 'seconds') };
  return {
    pricePerTiB: price,
    steps,
    ...Object.fromEntries(Object.entries(figures).filter(([, v]) => v !== undefined)),
    sampleSize,
    sampled: steps.some((s) => s.sample !== undefined && s.sample.size < s.sample.of),
    notEstimated: bq ? NOT_ESTIMATED_BQ : NOT_ESTIMATED_SQLITE,
  };
}
