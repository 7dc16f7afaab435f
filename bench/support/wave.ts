// What one wave of a concurrency-16 run costs on the critical path: the group commit of 16 UNIT_SUCCEEDED and
// the 16 UNIT_STARTED that follow them (RunLog.commit: machine, hash chain, rows), and the machine's part alone.

import { compactPartitions, createRunMachine, RunCursor, type RunEvent } from '../../machines/index.js';
import { createRun, RunLog } from '../../src/engine/index.js';
import { openEventStore } from '../../store/index.js';
import { benchPlan, calendar } from './plan.js';

export interface WaveCost {
  /** µs per RunLog.commit of one wave (2 × width events, one transaction). */
  commitUs: number;
  /** µs per wave spent in the statechart (16 UNIT_SUCCEEDED; UNIT_STARTED changes no state). */
  machineUs: number;
}

const WARM = 50;

export interface WaveOptions {
  /** Units per wave: 16 (a concurrency-16 wave), or 2 (the group commit's split batch of long units). */
  width?: number;
  /** Idle time before each commit (ms): the event loop waiting for timers, as between 10 ms units. */
  idleMs?: number;
}

export async function waveCost(file: string, waves: number, o: WaveOptions = {}): Promise<WaveCost> {
  const WIDTH = o.width ?? 16;
  const partitions = calendar((waves + WARM + 1) * WIDTH);
  const plan = benchPlan({ partitions, steps: 1, concurrency: WIDTH });
  const step = plan.phases[0].groups[0].steps[0].id;
  const preamble: RunEvent[] = [
    { type: 'PREREQS_PASSED', checks: [] },
    {
      type: 'BASELINE_RECORDED',
      partitions: partitions.length,
      steps: [
        {
          step,
          expected: partitions.length,
          present: 0,
          missing: partitions.length,
          toRun: compactPartitions(partitions),
        },
      ],
    },
  ];
  const wave = (w: number): RunEvent[] => [
    ...partitions
      .slice(w * WIDTH, (w + 1) * WIDTH)
      .map((p): RunEvent => ({ type: 'UNIT_SUCCEEDED', step, partition: p, attempt: 1, rows: 1, ms: 10 })),
    ...partitions
      .slice((w + 1) * WIDTH, (w + 2) * WIDTH)
      .map((p): RunEvent => ({ type: 'UNIT_STARTED', step, partition: p, attempt: 1, reason: 'first' })),
  ];
  const total = waves + WARM;

  const store = await openEventStore(file);
  let commitMs = 0;
  try {
    const log = await RunLog.open(store, await createRun(store, plan, { runId: 'wave' }));
    await log.commit(preamble);
    for (let w = 0; w < total; w++) {
      const events = wave(w);
      if (o.idleMs) await new Promise((r) => setTimeout(r, o.idleMs));
      const t0 = performance.now();
      await log.commit(events);
      if (w >= WARM) commitMs += performance.now() - t0;
    }
  } finally {
    await store.close();
  }

  const cursor = new RunCursor(createRunMachine(plan));
  let machineMs = 0;
  try {
    for (const e of preamble) cursor.apply(e);
    for (let w = 0; w < total; w++) {
      const events = wave(w);
      const t0 = performance.now();
      for (const e of events) cursor.apply(e);
      if (w >= WARM) machineMs += performance.now() - t0;
    }
  } finally {
    cursor.stop();
  }
  return { commitUs: (commitMs * 1000) / waves, machineUs: (machineMs * 1000) / waves };
}
