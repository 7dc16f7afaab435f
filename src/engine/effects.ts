// The one-shot effects the run's states declare that read the warehouse (prerequisites, baseline, gate), each
// returned as the event to log (the finish event is a pure decision: machines/finish.ts). Logging it, and crash
// points, are the driver's.

import {
  compactPartitions,
  errorInfo,
  type GateReport,
  type ResolvedPlan,
  type RunEvent,
} from '../../machines/index.js';
import type { WarehouseReads } from '../warehouse/index.js';

/** The gates module loads when a run first needs it: a resume into a running phase starts without it. */
const gates = () => import('../gates/index.js');

export async function prerequisitesEvent(plan: ResolvedPlan, wh: WarehouseReads): Promise<RunEvent> {
  const { checkPrerequisites, prerequisitesPassed } = await gates();
  const checks = await checkPrerequisites(plan, wh);
  return { type: prerequisitesPassed(checks) ? 'PREREQS_PASSED' : 'PREREQS_FAILED', checks };
}

/** The baseline, or RUN_FAILED when it cannot be measured (a missing table without ddl, say). */
export async function baselineEvent(plan: ResolvedPlan, wh: WarehouseReads, runId = ''): Promise<RunEvent> {
  try {
    const { measureBaseline } = await gates();
    // Each step's refill (the --refill override already resolved into it) decides what it runs.
    const b = await measureBaseline(plan, wh, { createTables: true, runId });
    // Runs of consecutive days are logged as ranges: a long daily calendar costs bytes, not megabytes.
    const steps = b.steps.map((s) => ({ ...s, toRun: compactPartitions(s.toRun) }));
    // The calendar itself (compact) lets the console draw every expected date, present or not.
    const dates = compactPartitions([...b.partitions].sort());
    return { type: 'BASELINE_RECORDED', partitions: b.partitions.length, steps, dates };
  } catch (err) {
    return { type: 'RUN_FAILED', reason: `baseline: ${errorInfo(err).message}` };
  }
}

/** A query that fails makes the gate err (and block): never a number read from an error. */
export async function gateEvent(
  plan: ResolvedPlan,
  wh: WarehouseReads,
  runId: string,
  phase: string,
  gate: string,
): Promise<RunEvent> {
  const params = { start: plan.range.start, end: plan.range.end, run_id: runId };
  let report: GateReport;
  const { evaluateGate } = await gates();
  try {
    const calendar = await wh.listPartitions(plan.partitionsSql, params);
    report = await evaluateGate(plan, phase, wh, calendar, runId);
  } catch (err) {
    const minCoverage = plan.phases.find((p) => p.id === phase)?.gate.minCoverage ?? 1;
    const error = `gate ${gate}: ${errorInfo(err).message}`;
    report = { gate, ok: false, minCoverage, tables: [], notNull: [], checks: [], error };
  }
  return { type: report.ok ? 'GATE_PASSED' : 'GATE_FAILED', gate, report };
}
