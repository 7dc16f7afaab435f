// Which failed units a retry re-opens: the blocked gate's phase, the current group, or a failed run's every
// step, within the operator's scope. Pure: the failed units arrive in the run state (read from the units
// projection by the shell); appending the RETRY_REQUESTED it builds is the caller's.

import type { RunEvent } from './events.js';
import { allSteps, type ResolvedPlan } from './plan.js';
import type { RunState } from './run-state.js';
import { type RunSnapshot, runStatus } from './snapshot.js';

export interface RetryScope {
  step?: string;
  partitions?: string[];
  reason?: string;
}

/** Steps a retry may touch now: the blocked phase, the current group, or (failed run) every step. */
export function retryableSteps(snap: RunSnapshot, plan: ResolvedPlan): { steps: string[]; gate?: string } {
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
 * Steps whose failed units the shell must read for a retry: those the machine counts final failures for
 * (a step with none has no failed rows to look for; a resume of a long run would otherwise scan every unit).
 */
export function stepsWithFailures(snap: RunSnapshot, only?: string): string[] {
  return Object.entries(snap.context.steps)
    .filter(([id, c]) => c.failed > 0 && (only === undefined || id === only))
    .map(([id]) => id);
}

/**
 * The RETRY_REQUESTED event re-opening failed units within what may be retried now, or undefined when there is
 * nothing to re-open (a failed run is always re-opened: its prerequisites or baseline run again).
 */
export function reopenEvent(state: RunState, by: string, scope: RetryScope = {}): RunEvent | undefined {
  const { snapshot: snap, plan } = state;
  const status = runStatus(snap);
  if (status !== 'failed' && status !== 'blocked' && status !== 'running') return undefined;
  const { steps, gate } = retryableSteps(snap, plan);
  const wanted = scope.step ? steps.filter((s) => s === scope.step) : steps;
  const only = scope.partitions ? new Set(scope.partitions) : undefined;
  const reopened: { step: string; count: number }[] = [];
  for (const step of wanted) {
    if (snap.context.steps[step]?.failed === 0) continue;
    const failed = state.failed[step] ?? [];
    const count = only ? failed.filter((p) => only.has(p)).length : failed.length;
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
