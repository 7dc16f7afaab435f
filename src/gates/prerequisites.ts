// Prerequisites of a run: the plan's source tables exist and its checks pass.
// Pure-ish: it queries the warehouse and returns results; the driver appends PREREQS_PASSED/FAILED.

import type { CheckResult, ResolvedPlan } from '../../machines/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { messageOf, runCheck } from './checks.js';

export async function checkPrerequisites(plan: ResolvedPlan, wh: Warehouse): Promise<CheckResult[]> {
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
  return Promise.all([...tables, ...checks]);
}

/** All prerequisites passed (an errored check never passes). */
export function prerequisitesPassed(results: CheckResult[]): boolean {
  return results.every((r) => r.ok && !r.error);
}
