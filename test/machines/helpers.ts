// Drive the run machine through a plan's lifecycle in tests, with events shaped as the driver logs them.
import {
  createRunMachine,
  RunCursor,
  type RunEvent,
  type RunSnapshot,
  type RunState,
} from '../../machines/index.js';
import { twoPhasePlan } from '../support/plans.js';

export const plan = twoPhasePlan();
export const machine = createRunMachine(plan);

/** The baseline of the two-phase plan with every partition to run in each step. */
export function baselineEvent(partitions = ['1', '2']): RunEvent {
  return {
    type: 'BASELINE_RECORDED',
    partitions: partitions.length,
    steps: ['a', 'b', 'c', 'd'].map((step) => ({
      step,
      expected: partitions.length,
      present: 0,
      missing: partitions.length,
      toRun: partitions,
    })),
  };
}

export function started(partitions = ['1', '2']): RunCursor {
  const c = new RunCursor(machine);
  c.apply({ type: 'PREREQS_PASSED', checks: [] });
  c.apply(baselineEvent(partitions));
  return c;
}

export const ok = (step: string, partition: string): RunEvent => ({
  type: 'UNIT_SUCCEEDED',
  step,
  partition,
  attempt: 1,
  rows: 1,
  ms: 1,
});

export const fail = (step: string, partition: string, final = true): RunEvent => ({
  type: 'UNIT_FAILED',
  step,
  partition,
  attempt: 1,
  final,
  error: { code: 'QUERY', message: 'boom', retryable: !final },
});

export const gateReport = (gate: string, okay: boolean) => ({
  gate,
  ok: okay,
  minCoverage: 1,
  tables: [],
  notNull: [],
  checks: [],
});

export function runningSteps(s: RunSnapshot): string[] {
  return Object.values(s.getMeta() as Record<string, { effect?: string; step?: string }>)
    .filter((m) => m?.effect === 'runStep')
    .map((m) => m.step as string)
    .sort();
}

/** A fresh run of the two-phase plan as run-level decisions see it (evolved with evolveRun). */
export function freshRunState(): RunState {
  return {
    run: { runId: 'run-1', planHash: 'hash-1', machineVersion: 'v-test' },
    plan,
    snapshot: new RunCursor(machine).snapshot,
    failed: {},
  };
}
