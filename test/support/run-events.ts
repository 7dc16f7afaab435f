// Events shaped as the driver logs them, for tests that build a run's log or feed its machine by hand: a unit's
// start and success, a baseline with every partition to run, and the opening a driver appends for a new run.
import { compactPartitions, type ResolvedPlan, type RunEvent } from '../../machines/index.js';

type Of<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

export const unitStarted = (step: string, partition: string): Of<'UNIT_STARTED'> => ({
  type: 'UNIT_STARTED',
  step,
  partition,
  attempt: 1,
  reason: 'first',
});

export const unitOk = (step: string, partition: string): Of<'UNIT_SUCCEEDED'> => ({
  type: 'UNIT_SUCCEEDED',
  step,
  partition,
  attempt: 1,
  rows: 1,
  ms: 1,
});

/** A baseline with every partition to run in each of `steps` (written as the driver writes `toRun`). */
export function baselineEvent(partitions = ['1', '2'], steps = ['a', 'b', 'c', 'd']): RunEvent {
  return {
    type: 'BASELINE_RECORDED',
    partitions: partitions.length,
    steps: steps.map((step) => ({
      step,
      expected: partitions.length,
      present: 0,
      missing: partitions.length,
      toRun: compactPartitions(partitions),
    })),
  };
}

/** What a driver appends first for a new run of `plan`: created, attached, prerequisites passed, the baseline. */
export function openingEvents(
  runId: string,
  plan: Pick<ResolvedPlan, 'name' | 'range'>,
  partitions: string[],
  steps?: string[],
): RunEvent[] {
  return [
    {
      type: 'RUN_CREATED',
      runId,
      planName: plan.name,
      planHash: 'h',
      range: plan.range,
      machineVersion: '1',
      refill: 'missing',
    },
    { type: 'DRIVER_ATTACHED', pid: 1, host: 'test', version: 'test' },
    { type: 'PREREQS_PASSED', checks: [] },
    baselineEvent(partitions, steps),
  ];
}
