// Drive the run machine through a plan's lifecycle in tests, with events shaped as the driver logs them.
import {
  createRunMachine,
  RunCursor,
  type RunEvent,
  type RunSnapshot,
  type RunState,
} from '../../machines/index.js';
import { twoPhasePlan } from '../support/plans.js';
import { baselineEvent } from '../support/run-events.js';

export const plan = twoPhasePlan();
export const machine = createRunMachine(plan);

export { baselineEvent, unitOk as ok } from '../support/run-events.js';

export function started(partitions = ['1', '2']): RunCursor {
  const c = new RunCursor(machine);
  c.apply({ type: 'PREREQS_PASSED', checks: [] });
  c.apply(baselineEvent(partitions));
  return c;
}

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
