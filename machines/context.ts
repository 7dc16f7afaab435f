// The run machine's context: counters per step and gate verdicts, never per-unit arrays.
// Pure reducers over events; the statechart wires them in as assign actions.

import type { RunEvent } from './events.js';
import { initialOps, type OpsContext } from './ops.js';
import { countPartitions } from './partitions.js';
import type { ResolvedPlan } from './plan.js';
import { allSteps } from './plan.js';
import type { GateReport } from './report.js';

export interface StepCounters {
  total: number;
  done: number;
  failed: number;
  pending: number;
}

export interface GateState {
  status: 'pending' | 'passed' | 'failed' | 'overridden';
  report?: GateReport;
  reason?: string;
}

export interface RunContext {
  runId: string;
  steps: Record<string, StepCounters>;
  gates: Record<string, GateState>;
  /** The phase and group being worked on (null before the first phase). */
  phase: string | null;
  group: number | null;
  pauseRequested: boolean;
  cancelRequested: boolean;
  failure: string | null;
  /** Bytes billed, the budget and adaptive concurrency (ops.ts); absent in snapshots from before them. */
  ops?: OpsContext;
}

export function initialContext(plan: Pick<ResolvedPlan, 'phases'>): RunContext {
  const steps: Record<string, StepCounters> = {};
  for (const s of allSteps(plan)) steps[s.id] = { total: 0, done: 0, failed: 0, pending: 0 };
  const gates: Record<string, GateState> = {};
  for (const p of plan.phases) gates[p.gate.id] = { status: 'pending' };
  return {
    runId: '',
    steps,
    gates,
    phase: null,
    group: null,
    pauseRequested: false,
    cancelRequested: false,
    failure: null,
    ops: initialOps(),
  };
}

function withStep(
  ctx: RunContext,
  step: string,
  f: (c: StepCounters) => StepCounters,
): Record<string, StepCounters> {
  const cur = ctx.steps[step];
  if (!cur) return ctx.steps;
  return { ...ctx.steps, [step]: f(cur) };
}

/** Counter updates for unit outcomes, baselines and retries. Returns the steps record to assign. */
export function stepsAfter(ctx: RunContext, event: RunEvent): Record<string, StepCounters> {
  switch (event.type) {
    case 'BASELINE_RECORDED': {
      const steps = { ...ctx.steps };
      for (const b of event.steps) {
        if (!steps[b.step]) continue;
        const pending = countPartitions(b.toRun);
        steps[b.step] = { total: b.expected, done: b.expected - pending, failed: 0, pending };
      }
      return steps;
    }
    case 'UNIT_SUCCEEDED':
      return withStep(ctx, event.step, (c) =>
        c.pending > 0 ? { ...c, pending: c.pending - 1, done: c.done + 1 } : c,
      );
    case 'UNIT_FAILED':
      if (!event.final) return ctx.steps;
      return withStep(ctx, event.step, (c) =>
        c.pending > 0 ? { ...c, pending: c.pending - 1, failed: c.failed + 1 } : c,
      );
    case 'RETRY_REQUESTED': {
      let steps = ctx.steps;
      for (const r of event.reopened) {
        const cur = steps[r.step];
        if (!cur) continue;
        const n = Math.min(r.count, cur.failed);
        steps = { ...steps, [r.step]: { ...cur, failed: cur.failed - n, pending: cur.pending + n } };
      }
      return steps;
    }
    default:
      return ctx.steps;
  }
}

export function isStepSettled(ctx: RunContext, step: string): boolean {
  return (ctx.steps[step]?.pending ?? 0) === 0;
}
