// Prerequisites of a run: the plan's source tables exist, its checks pass and, on BigQuery, every step's SQL
// dry-runs for one partition. Pure-ish: it queries the warehouse and returns results; the driver appends them.

import { allSteps, type CheckResult, errorInfo, type ResolvedPlan } from '../../machines/index.js';
import { type BigQueryWarehouse, isBigQueryWarehouse, type WarehouseReads } from '../warehouse/index.js';
import { messageOf, runCheck } from './checks.js';

/** One step's SQL dry-run for one partition: the bytes it would process, or why it cannot run. */
export interface StepDryRun {
  step: string;
  partition: string;
  bytes?: number;
  /** The query failed its dry run (permissions, missing table, syntax, bytes over the cap). */
  error?: string;
  /** Not dry-run, and why (it reads a table an earlier step of the plan creates). */
  skipped?: string;
}

/** The table id part of `table`, `dataset.table` or `project.dataset.table`. */
const tableId = (table: string) => table.replace(/`/g, '').split('.').pop() ?? table;

/**
 * Dry-run every SQL step for the range's first partition (BigQuery only; other warehouses return []).
 * A step reading a table this plan creates cannot be dry-run before that table exists: it is skipped, not failed.
 */
export async function dryRunSteps(plan: ResolvedPlan, wh: WarehouseReads): Promise<StepDryRun[]> {
  if (!isBigQueryWarehouse(wh)) return [];
  const bq: BigQueryWarehouse = wh;
  const partition = plan.range.start;
  const produced = allSteps(plan).map((s) => tableId(s.table));
  const params = { partition, start: plan.range.start, end: plan.range.end, run_id: 'dry-run' };
  const sqlSteps = allSteps(plan).filter((s) => s.kind === 'sql' && s.sql);
  return Promise.all(
    sqlSteps.map(async (s): Promise<StepDryRun> => {
      try {
        const { bytesProcessed } = await bq.dryRun(s.sql as string, params);
        return { step: s.id, partition, bytes: bytesProcessed };
      } catch (err) {
        const info = errorInfo(err);
        // Whole names only: a plan that writes `games` must not excuse a missing `games_raw`.
        const named = new Set(info.message.split(/[^A-Za-z0-9_$-]+/));
        const reads = produced.find((t) => named.has(t));
        if (info.code === 'NOT_FOUND' && reads) {
          return { step: s.id, partition, skipped: `reads ${reads}, which a step of this plan creates` };
        }
        return { step: s.id, partition, error: info.message };
      }
    }),
  );
}

/** A dry run as a prerequisite check result. */
export function dryRunCheck(d: StepDryRun): CheckResult {
  const name = `step ${d.step} SQL dry run (${d.partition})`;
  if (d.error) return { name, ok: false, error: d.error };
  if (d.skipped) return { name, ok: true, detail: `not dry-run: ${d.skipped}` };
  return { name, ok: true, detail: `would process ${d.bytes ?? 0} bytes` };
}

export async function checkPrerequisites(
  plan: ResolvedPlan,
  wh: WarehouseReads,
  opts: { dryRuns?: StepDryRun[] } = {},
): Promise<CheckResult[]> {
  const tables = plan.prerequisites.tables.map(async (table): Promise<CheckResult> => {
    const name = `table ${table} exists`;
    try {
      const ok = await wh.tableExists(table);
      return ok ? { name, ok } : { name, ok, detail: `table ${table} is missing from the warehouse` };
    } catch (err) {
      return { name, ok: false, error: messageOf(err) };
    }
  });
  const params = { start: plan.range.start, end: plan.range.end };
  const checks = plan.prerequisites.checks.map((check) => runCheck(wh, check, params));
  const dryRuns = (opts.dryRuns ?? (await dryRunSteps(plan, wh))).map(dryRunCheck);
  return [...(await Promise.all([...tables, ...checks])), ...dryRuns];
}

/** All prerequisites passed (an errored check never passes). */
export function prerequisitesPassed(results: CheckResult[]): boolean {
  return results.every((r) => r.ok && !r.error);
}
