// A run of the two-phase test plan, created and taken to its first group with units to run: step a has every
// given partition pending, step b has them all already. For tests of writers deciding on unit starts.

import { compactPartitions } from '../../machines/index.js';
import { createRun, RunLog } from '../../src/engine/index.js';
import type { EventStore } from '../../store/index.js';
import { twoPhasePlan } from './plans.js';

/** Creates run `runId` and appends its creation, prerequisites and baseline through a RunLog. */
export async function seedUnitRun(store: EventStore, runId: string, partitions: string[]): Promise<string> {
  await createRun(store, twoPhasePlan(), { runId });
  const log = await RunLog.open(store, runId);
  const n = partitions.length;
  const steps = [
    { step: 'a', expected: n, present: 0, missing: n, toRun: compactPartitions(partitions) },
    { step: 'b', expected: n, present: n, missing: 0, toRun: [] },
  ];
  await log.commit([
    ...log.createdEvents(),
    { type: 'PREREQS_PASSED', checks: [] },
    { type: 'BASELINE_RECORDED', partitions: n, steps },
  ]);
  return runId;
}
