// Appends synthetic unit events through the real store (hash chain, units projection, run head) and
// reports events per second; shared by append_single and append_batched. Appends go through the asynchronous
// EventStore interface, as the engine makes them.

import { openEventStore } from '../../store/index.js';
import { unitEvent } from './events.js';

export interface AppendRateOptions {
  file: string;
  events: number;
  /** Events per append call (one transaction each). */
  batch: number;
  synchronous: 'NORMAL' | 'FULL';
  /** Size of the run's frozen plan (the NBA plan's is about 38 KB); default a tiny one. */
  planBytes?: number;
}

export async function storeAppendRate(o: AppendRateOptions): Promise<number> {
  const store = await openEventStore(o.file, { synchronous: o.synchronous });
  try {
    const runId = `r${Math.random().toString(36).slice(2, 8)}`;
    await store.createRun({
      runId,
      planName: 'bench',
      planHash: 'h',
      planJson: o.planBytes ? JSON.stringify({ sql: 'x'.repeat(o.planBytes) }) : '{}',
      machineVersion: 'bench',
      createdAt: new Date().toISOString(),
    });
    let seq = 0;
    const t0 = performance.now();
    for (let i = 0; i < o.events; i += o.batch) {
      const n = Math.min(o.batch, o.events - i);
      const out = await store.append(
        runId,
        seq,
        Array.from({ length: n }, (_, j) => unitEvent(i + j)),
      );
      seq = out[out.length - 1].seq;
    }
    return o.events / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
  }
}
