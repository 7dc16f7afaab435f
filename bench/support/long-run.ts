// Writes a long run log through the real append path: RunLog.commit applies every event to the machine,
// appends it (hash chain, projection, runs row) and saves snapshots every store.snapshotEvery events,
// exactly as the driver would. A few units per step are left pending so the run can be resumed.

import { compactPartitions, type RunEvent } from '../../machines/index.js';
import { createRun, RunLog } from '../../src/engine/index.js';
import { openEventStore } from '../../store/index.js';
import { benchPlan, calendar } from './plan.js';

export interface LongRun {
  file: string;
  runId: string;
  events: number;
  partitions: string[];
  /** Units left pending for a resumed driver to run. */
  pendingUnits: number;
}

// The driver's group commits hold at most about two events per concurrent unit; write the log the same way,
// so its snapshots fall where a driven run's would.
export const LONG_RUN_BATCH = 32;
const STEPS = 2;
const LEFT_PENDING = 8;

/** A run with about `events` events (two per unit, plus the run's own), in `file`. */
export async function writeLongRun(file: string, events: number): Promise<LongRun> {
  const perStep = Math.max(LEFT_PENDING + 1, Math.ceil(events / 2 / STEPS));
  const partitions = calendar(perStep);
  const plan = benchPlan({ partitions, steps: STEPS, concurrency: 16 });
  const store = await openEventStore(file);
  try {
    const runId = await createRun(store, plan, { runId: 'long' });
    const log = await RunLog.open(store, runId);
    const steps = plan.phases[0].groups[0].steps.map((s) => s.id);
    await log.commit([
      {
        type: 'RUN_CREATED',
        runId,
        planName: plan.name,
        planHash: log.run.planHash,
        range: plan.range,
        machineVersion: log.run.machineVersion,
        refill: 'missing',
      },
      { type: 'DRIVER_ATTACHED', pid: process.pid, host: 'bench', version: 'bench' },
      { type: 'PREREQS_PASSED', checks: [] },
      {
        type: 'BASELINE_RECORDED',
        partitions: partitions.length,
        steps: steps.map((step) => ({
          step,
          expected: partitions.length,
          present: 0,
          missing: partitions.length,
          // As the driver logs it (src/engine/effects.ts): consecutive days as one range.
          toRun: compactPartitions(partitions),
        })),
      },
    ]);
    let batch: RunEvent[] = [];
    const target = events - 5;
    let written = 4;
    for (let u = 0; u < partitions.length - LEFT_PENDING && written < target; u++) {
      for (const step of steps) {
        const partition = partitions[u];
        batch.push({ type: 'UNIT_STARTED', step, partition, attempt: 1, reason: 'first' });
        batch.push({ type: 'UNIT_SUCCEEDED', step, partition, attempt: 1, rows: 1, ms: 1 });
        written += 2;
      }
      if (batch.length >= LONG_RUN_BATCH) {
        await log.commit(batch);
        batch = [];
      }
    }
    batch.push({
      type: 'DRIVER_DETACHED',
      pid: process.pid,
      host: 'bench',
      version: 'bench',
      reason: 'SIGTERM',
    });
    await log.commit(batch);
    const pending = Object.values(log.snapshot.context.steps).reduce((n, c) => n + c.pending, 0);
    return { file, runId, events: log.seq, partitions, pendingUnits: pending };
  } finally {
    await store.close();
  }
}
