// Two actor sends per unit, the statechart's floor under unit_overhead_us: a plain xstate actor of the bench
// plan's machine (no RunCursor, no store) sent UNIT_STARTED then UNIT_SUCCEEDED for each of `units` partitions.

import { createActor } from 'xstate';
import { compactPartitions, createRunMachine, type RunEvent } from '../../machines/index.js';
import { benchPlan, calendar } from './plan.js';

/** µs per unit (two sends), after the run has reached its step. */
export function actorSendsUs(units: number): number {
  const partitions = calendar(units);
  const plan = benchPlan({ partitions, steps: 1, concurrency: 1 });
  const step = plan.phases[0].groups[0].steps[0].id;
  const actor = createActor(createRunMachine(plan));
  actor.start();
  try {
    const preamble: RunEvent[] = [
      { type: 'PREREQS_PASSED', checks: [] },
      {
        type: 'BASELINE_RECORDED',
        partitions: units,
        steps: [{ step, expected: units, present: 0, missing: units, toRun: compactPartitions(partitions) }],
      },
    ];
    for (const e of preamble) actor.send(e);
    const t0 = performance.now();
    for (const partition of partitions) {
      actor.send({ type: 'UNIT_STARTED', step, partition, attempt: 1, reason: 'first' });
      actor.send({ type: 'UNIT_SUCCEEDED', step, partition, attempt: 1, rows: 1, ms: 0 });
    }
    return ((performance.now() - t0) * 1000) / units;
  } finally {
    actor.stop();
  }
}
