// The run statechart, generated from the plan: prerequisites → baseline → phases (groups of parallel steps,
// then a gate) → complete. Pure: no invokes, no delays, no side effects; the driver reads each active
// state's `meta.effect` and does that work, then feeds the results back as events.

import { assign, setup } from 'xstate';
import type { RunContext } from './context.js';
import { initialContext, isStepSettled, stepsAfter } from './context.js';
import type { RunEvent } from './events.js';
import { opsAfter } from './ops.js';
import type { PhaseSpec, ResolvedPlan } from './plan.js';

export const MACHINE_VERSION = 'phased-machine/1';

export type Effect =
  | { effect: 'checkPrerequisites' }
  | { effect: 'measureBaseline' }
  | { effect: 'runStep'; step: string; phase: string; group: number }
  | { effect: 'evaluateGate'; gate: string; phase: string }
  | { effect: 'blocked'; gate: string; phase: string }
  | { effect: 'finish' };

export const phaseKey = (id: string): string => `phase:${id}`;
export const groupKey = (n: number): string => `group:${n}`;
export const stepKey = (id: string): string => `step:${id}`;

type StateConfig = Record<string, unknown>;

function groupState(phase: PhaseSpec, n: number): StateConfig {
  const steps = phase.groups[n].steps;
  const next = n + 1 < phase.groups.length ? groupKey(n + 1) : 'gate';
  const regions: Record<string, StateConfig> = {};
  for (const s of steps) {
    regions[stepKey(s.id)] = {
      initial: 'running',
      states: {
        running: {
          meta: { effect: 'runStep', step: s.id, phase: phase.id, group: n } satisfies Effect,
          always: { guard: { type: 'stepSettled', params: { step: s.id } }, target: 'settled' },
        },
        settled: {
          always: { guard: { type: 'stepHasPending', params: { step: s.id } }, target: 'running' },
        },
      },
    };
  }
  return {
    type: 'parallel',
    entry: { type: 'enterGroup', params: { phase: phase.id, group: n } },
    always: { guard: { type: 'groupSettled', params: { steps: steps.map((s) => s.id) } }, target: next },
    states: regions,
  };
}

function gateState(phase: PhaseSpec): StateConfig {
  const gate = phase.gate.id;
  const params = { gate };
  return {
    initial: 'evaluating',
    states: {
      evaluating: {
        meta: { effect: 'evaluateGate', gate, phase: phase.id } satisfies Effect,
        on: {
          GATE_PASSED: { guard: { type: 'isGate', params }, target: 'passed', actions: 'recordGate' },
          GATE_FAILED: { guard: { type: 'isGate', params }, target: 'blocked', actions: 'recordGate' },
        },
      },
      blocked: {
        tags: ['blocked'],
        meta: { effect: 'blocked', gate, phase: phase.id } satisfies Effect,
        on: {
          GATE_OVERRIDDEN: { guard: { type: 'isGate', params }, target: 'passed', actions: 'overrideGate' },
          RETRY_REQUESTED: [
            // A re-check of this gate alone (no unit re-opened): the gate is evaluated again as the data stands.
            {
              guard: { type: 'isGateRecheck', params },
              target: 'evaluating',
              actions: { type: 'reopenGate', params },
            },
            // Failed units re-opened: the phase runs them, then the gate is evaluated again.
            {
              guard: { type: 'isRetryOfGate', params },
              target: `#run.active.${phaseKey(phase.id)}.${groupKey(0)}`,
              actions: ['reopen', { type: 'reopenGate', params }],
            },
          ],
        },
      },
      passed: { type: 'final' },
    },
  };
}

function phaseStates(plan: Pick<ResolvedPlan, 'phases'>): Record<string, StateConfig> {
  const out: Record<string, StateConfig> = {};
  plan.phases.forEach((phase, i) => {
    const states: Record<string, StateConfig> = {};
    phase.groups.forEach((_g, n) => {
      states[groupKey(n)] = groupState(phase, n);
    });
    states.gate = { ...gateState(phase), onDone: 'done' };
    states.done = { type: 'final' };
    const next = i + 1 < plan.phases.length ? phaseKey(plan.phases[i + 1].id) : 'complete';
    out[phaseKey(phase.id)] = { initial: groupKey(0), states, onDone: next };
  });
  return out;
}

/**
 * The context after a unit event (or another event that moves only the ops counters) where `active` handles it:
 * what the chart's `ops` and `outcome` actions assign. One definition, so a cursor that folds such an event without
 * a macrostep (keepsStateValue) gets the context the chart would.
 */
export function unitEventContext(context: RunContext, event: RunEvent): RunContext {
  const ops = opsAfter(context.ops, event);
  if (event.type !== 'UNIT_SUCCEEDED' && event.type !== 'UNIT_FAILED') return { ...context, ops };
  return { ...context, steps: stepsAfter(context, event), ops };
}

const base = setup({
  types: {} as { context: RunContext; events: RunEvent },
  guards: {
    stepSettled: ({ context }, p: { step: string }) => isStepSettled(context, p.step),
    stepHasPending: ({ context }, p: { step: string }) => !isStepSettled(context, p.step),
    groupSettled: ({ context }, p: { steps: string[] }) => p.steps.every((s) => isStepSettled(context, s)),
    isGate: ({ event }, p: { gate: string }) => 'gate' in event && event.gate === p.gate,
    isGateRecheck: ({ event }, p: { gate: string }) =>
      event.type === 'RETRY_REQUESTED' && event.gate === p.gate && event.reopened.length === 0,
    isRetryOfGate: ({ event }, p: { gate: string }) =>
      event.type === 'RETRY_REQUESTED' && (event.gate === undefined || event.gate === p.gate),
  },
  actions: {
    counters: assign({ steps: ({ context, event }) => stepsAfter(context, event) }),
    ops: assign(({ context, event }) => unitEventContext(context, event)),
    // A unit's outcome moves both counters; one assign clones the snapshot once (the hot path's commonest event).
    outcome: assign(({ context, event }) => unitEventContext(context, event)),
    reopen: assign({ steps: ({ context, event }) => stepsAfter(context, event) }),
    enterGroup: assign((_, p: { phase: string; group: number }) => ({ phase: p.phase, group: p.group })),
    recordGate: assign({
      gates: ({ context, event }) => {
        if (event.type !== 'GATE_PASSED' && event.type !== 'GATE_FAILED') return context.gates;
        const status = event.type === 'GATE_PASSED' ? 'passed' : 'failed';
        return { ...context.gates, [event.gate]: { status, report: event.report } };
      },
    }),
    overrideGate: assign({
      gates: ({ context, event }) => {
        if (event.type !== 'GATE_OVERRIDDEN') return context.gates;
        const prev = context.gates[event.gate];
        return { ...context.gates, [event.gate]: { ...prev, status: 'overridden', reason: event.reason } };
      },
    }),
    reopenGate: assign({
      gates: ({ context }, p: { gate: string }) => ({ ...context.gates, [p.gate]: { status: 'pending' } }),
    }),
    created: assign({
      runId: ({ context, event }) => (event.type === 'RUN_CREATED' ? event.runId : context.runId),
    }),
    requestPause: assign({ pauseRequested: true }),
    requestCancel: assign({ cancelRequested: true }),
    clearRequests: assign({ pauseRequested: false, cancelRequested: false }),
    fail: assign({
      failure: ({ event }) => {
        if (event.type === 'RUN_FAILED') return event.reason;
        if (event.type === 'PREREQS_FAILED') {
          const bad = event.checks.filter((c) => !c.ok).map((c) => c.name);
          return `prerequisites failed: ${bad.join(', ')}`;
        }
        return 'failed';
      },
    }),
    clearFailure: assign({ failure: null }),
  },
});

/** Build the run statechart for a plan. The same plan always gives the same machine. */
export function createRunMachine(plan: Pick<ResolvedPlan, 'phases'>) {
  const first = plan.phases.length > 0 ? phaseKey(plan.phases[0].id) : 'complete';
  const config = {
    id: 'run',
    context: () => initialContext(plan),
    initial: 'active',
    states: {
      active: {
        initial: 'prerequisites',
        on: {
          RUN_CREATED: { actions: 'created' },
          UNIT_STARTED: { actions: 'ops' },
          UNIT_SUCCEEDED: { actions: 'outcome' },
          UNIT_FAILED: { actions: 'outcome' },
          BUDGET_CHANGED: { actions: 'ops' },
          CONCURRENCY_CHANGED: { actions: 'ops' },
          RETRY_REQUESTED: { actions: 'reopen' },
          PAUSE_REQUESTED: { actions: 'requestPause' },
          PAUSED: { target: '#run.paused' },
          CANCEL_REQUESTED: { actions: 'requestCancel' },
          CANCELLED: { target: '#run.cancelled' },
          RUN_FAILED: { target: '#run.failed', actions: 'fail' },
        },
        states: {
          hist: { type: 'history', history: 'deep' },
          prerequisites: {
            meta: { effect: 'checkPrerequisites' } satisfies Effect,
            on: {
              PREREQS_PASSED: { target: 'baseline' },
              PREREQS_FAILED: { target: '#run.failed', actions: 'fail' },
            },
          },
          baseline: {
            meta: { effect: 'measureBaseline' } satisfies Effect,
            on: { BASELINE_RECORDED: { target: first, actions: 'counters' } },
          },
          ...phaseStates(plan),
          complete: {
            meta: { effect: 'finish' } satisfies Effect,
            on: { RUN_SUCCEEDED: { target: '#run.succeeded' } },
          },
        },
      },
      paused: {
        tags: ['paused'],
        on: {
          RESUMED: { target: '#run.active.hist', actions: 'clearRequests' },
          BUDGET_CHANGED: { actions: 'ops' },
          CANCEL_REQUESTED: { actions: 'requestCancel' },
          CANCELLED: { target: '#run.cancelled' },
        },
      },
      failed: {
        tags: ['failed'],
        on: {
          RETRY_REQUESTED: {
            target: '#run.active.hist',
            actions: ['reopen', 'clearFailure', 'clearRequests'],
          },
        },
      },
      succeeded: { type: 'final' },
      cancelled: { type: 'final' },
    },
  };
  // The config is generated, so its state keys are not literal types; xstate validates it at creation.
  return base.createMachine(config as unknown as Parameters<typeof base.createMachine>[0]);
}

export type RunMachine = ReturnType<typeof createRunMachine>;

/**
 * Whether `event` cannot change a snapshot with this context, though some state handles its type: a UNIT_STARTED
 * without a budget estimate runs only the `ops` action, which then returns the ops counters as they are (opsAfter),
 * and no guard or target depends on it. A cursor may skip such events (half of a run's unit events).
 */
export function leavesSnapshot(event: RunEvent, context: RunContext): boolean {
  return event.type === 'UNIT_STARTED' && event.estimatedBytes === undefined && context.ops !== undefined;
}

/**
 * Whether `event` changes only the context of a snapshot in this state and context, to unitEventContext(): a unit
 * event while the run is `active` (whose handler for it has actions and no target; no state below handles it),
 * that leaves the step with pending units. The guards of the eventless transitions read only whether steps have
 * pending units, so none of them changes its answer: the state value, tags and history stay as they are.
 */
export function keepsStateValue(event: RunEvent, value: unknown, context: RunContext): boolean {
  if (typeof value !== 'object' || value === null || !('active' in value)) return false;
  if (event.type === 'UNIT_STARTED') return true;
  if (event.type !== 'UNIT_SUCCEEDED' && event.type !== 'UNIT_FAILED') return false;
  const counters = context.steps[event.step];
  return counters !== undefined && counters.pending > 1;
}
