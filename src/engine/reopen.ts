// Which failed units a retry re-opens: the blocked gate's phase, the current group, or a failed run's all.
// Builds the RETRY_REQUESTED event from the units projection; appending it is the caller's job.

import { allSteps, type RunEvent, runStatus } from '../../machines/index.js';
import type { RunLog } from './run-log.js';

export interface RetryScope {
  step?: string;
  partitions?: string[];
  reason?: string;
}

/** Steps a retry may touch now: the blocked phase, the current group, or (failed run) every step. */
export function retryableSteps(log: RunLog): { steps: string[]; gate?: string } {
  const snap = log.snapshot;
  const plan = log.plan;
  const status = runStatus(snap);
  if (status === 'failed') return { steps: allSteps(plan).map((s) => s.id) };
  const ctx = snap.context;
  const phase = plan.phases.find((p) => p.id === ctx.phase);
  if (!phase) return { steps: [] };
  if (status === 'blocked') {
    return { steps: phase.groups.flatMap((g) => g.steps.map((s) => s.id)), gate: phase.gate.id };
  }
  const group = phase.groups[ctx.group ?? 0];
  return { steps: group ? group.steps.map((s) => s.id) : [] };
}

/**
 * The RETRY_REQUESTED event re-opening failed units within what may be retried now, or undefined when there is
 * nothing to re-open (a failed run is always re-opened: its prerequisites or baseline run again).
 */
export async function failedUnitsToReopen(
  log: RunLog,
  by: string,
  scope: RetryScope = {},
): Promise<RunEvent | undefined> {
  const status = runStatus(log.snapshot);
  if (status !== 'failed' && status !== 'blocked' && status !== 'running') return undefined;
  const { steps, gate } = retryableSteps(log);
  const wanted = scope.step ? steps.filter((s) => s === scope.step) : steps;
  const only = scope.partitions ? new Set(scope.partitions) : undefined;
  const reopened: { step: string; count: number }[] = [];
  const counters = log.snapshot.context.steps;
  for (const step of wanted) {
    // The machine counts final failures per step; a step with none has no failed rows to look for (a resume
    // of a long run would otherwise scan every unit of the step).
    if (counters[step]?.failed === 0) continue;
    const failed = await log.store.units(log.runId, { step, status: ['failed'] });
    const count = only ? failed.filter((u) => only.has(u.partition)).length : failed.length;
    if (count > 0) reopened.push({ step, count });
  }
  if (reopened.length === 0 && status !== 'failed') return undefined;
  return {
    type: 'RETRY_REQUESTED',
    by,
    reason: scope.reason ?? (by === 'resume' ? 'failed units are retried on resume' : 'requested'),
    reopened,
    ...(scope.step ? { step: scope.step } : {}),
    ...(scope.partitions ? { partitions: scope.partitions } : {}),
    ...(gate ? { gate } : {}),
  };
}
