// Evaluates one phase's gate: coverage of every step's table, notNull rates and SQL checks.
// Any failing query makes the report err (ok=false) instead of producing a number; the driver logs it.

import type {
  GateReport,
  NotNullResult,
  NotNullSpec,
  PhaseSpec,
  ResolvedPlan,
  StepSpec,
  TableCoverage,
} from '../../machines/index.js';
import { compactPartitions, PhasedError } from '../../machines/index.js';
import type { SqlParams, WarehouseReads } from '../warehouse/index.js';
import { MinRowsCache, messageOf, presentPartitions, runCheck } from './checks.js';
import { notNullSql } from './not-null.js';

/** How many missing partitions a report lists. */
export const MISSING_SAMPLE = 10;

/** A table's coverage, or the query error that kept it from being measured (then no number at all). */
export type TableCoverageResult = TableCoverage;

function findPhase(plan: ResolvedPlan, phaseId: string): PhaseSpec {
  const phase = plan.phases.find((p) => p.id === phaseId);
  if (!phase) {
    const ids = plan.phases.map((p) => p.id).join(', ');
    throw new PhasedError('BAD_ARGUMENT', `plan ${plan.name} has no phase ${phaseId}; its phases are ${ids}`);
  }
  return phase;
}

async function coverageOf(
  plan: ResolvedPlan,
  wh: WarehouseReads,
  step: StepSpec,
  expected: string[],
  minCoverage: number,
  cache: MinRowsCache,
): Promise<TableCoverageResult> {
  const base = { step: step.id, table: step.table, expected: expected.length };
  try {
    const counts = await wh.partitionCounts(step.table, step.partitionColumn, plan.range);
    const { present, missing, short } = await presentPartitions(expected, counts, {
      stepId: step.id,
      sql: step.expect?.minRows,
      cache,
    });
    const coverage = expected.length === 0 ? 1 : present / expected.length;
    return {
      ...base,
      present,
      coverage,
      missing: missing.length,
      missingSample: missing.slice(0, MISSING_SAMPLE),
      short: short.length,
      ok: coverage >= minCoverage,
    };
  } catch (err) {
    const error = `step ${step.id} (table ${step.table}): ${messageOf(err)}`;
    return { ...base, ok: false, error };
  }
}

async function notNullOf(
  plan: ResolvedPlan,
  wh: WarehouseReads,
  spec: NotNullSpec,
  params: SqlParams,
): Promise<NotNullResult> {
  const base = {
    table: spec.table,
    column: spec.column,
    maxRate: spec.maxRate,
    ...(spec.where ? { where: spec.where } : {}),
  };
  try {
    const [row] = await wh.query(notNullSql(plan, spec), params);
    const rows = Number(row?.row_count ?? 0);
    const nulls = Number(row?.null_count ?? 0);
    const rate = rows === 0 ? 0 : nulls / rows;
    // No rows to measure is not a pass: the column cannot be vouched for.
    return { ...base, rows, nulls, rate, ok: rows > 0 && rate <= spec.maxRate };
  } catch (err) {
    return { ...base, ok: false, error: messageOf(err) };
  }
}

/**
 * The gate of `phaseId` over `calendar`: every step of the phase (never a subset), the gate's
 * exclusions removed from what is expected. Its queries get @start, @end and @run_id (`runId`, empty
 * outside a run); expectation queries also @partition.
 */
export async function evaluateGate(
  plan: ResolvedPlan,
  phaseId: string,
  wh: WarehouseReads,
  calendar: string[],
  runId = '',
): Promise<GateReport> {
  const phase = findPhase(plan, phaseId);
  const gate = phase.gate;
  const params: SqlParams = { start: plan.range.start, end: plan.range.end, run_id: runId };
  const errors: string[] = [];
  let excluded = new Set<string>();
  let excludeError: string | undefined;
  if (gate.exclude) {
    try {
      excluded = new Set(await wh.listPartitions(gate.exclude, params));
    } catch (err) {
      excludeError = `gate ${gate.id} exclude query failed: ${messageOf(err)}`;
      errors.push(excludeError);
    }
  }
  const expected = excluded.size === 0 ? calendar : calendar.filter((p) => !excluded.has(p));
  const excludedDays = excluded.size === 0 ? [] : calendar.filter((p) => excluded.has(p));
  const cache = new MinRowsCache(wh, params);
  const steps = phase.groups.flatMap((g) => g.steps);
  const [tables, notNull, checks] = await Promise.all([
    Promise.all(
      steps.map((s): Promise<TableCoverageResult> => {
        if (!excludeError) return coverageOf(plan, wh, s, expected, gate.minCoverage, cache);
        return Promise.resolve({ step: s.id, table: s.table, ok: false, error: excludeError });
      }),
    ),
    Promise.all(gate.notNull.map((n) => notNullOf(plan, wh, n, params))),
    Promise.all(gate.checks.map((c) => runCheck(wh, c, params))),
  ]);
  if (!excludeError) for (const t of tables) if (t.error) errors.push(t.error);
  for (const n of notNull) if (n.error) errors.push(`notNull ${n.table}.${n.column}: ${n.error}`);
  for (const c of checks) if (c.error) errors.push(`check ${c.name}: ${c.error}`);
  const ok =
    errors.length === 0 &&
    tables.every((t) => t.ok) &&
    notNull.every((n) => n.ok) &&
    checks.every((c) => c.ok);
  return {
    gate: gate.id,
    ok,
    minCoverage: gate.minCoverage,
    tables,
    notNull,
    checks,
    ...(excludedDays.length > 0 ? { excluded: compactPartitions(excludedDays) } : {}),
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
  };
}
