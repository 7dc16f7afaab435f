// Drives a fresh run of a no-op plan through the whole stack (plan → machine → Driver → store) and
// times it; the unit-overhead, concurrency and makespan scenarios are all this with other numbers.

import { createRun, Driver } from '../../src/engine/index.js';
import { routeWarehouse } from '../../src/warehouse/route.js';
import { type EventStore, openEventStore } from '../../store/index.js';
import { NoopWarehouse } from './noop-warehouse.js';
import { benchPlan, calendar } from './plan.js';

export interface DriveOptions {
  file: string;
  units: number;
  concurrency: number;
  delayMs?: number;
  synchronous?: 'NORMAL' | 'FULL';
}

export interface DriveTiming {
  /** Driver.run() wall time, attach to detach. */
  totalMs: number;
  /** First UNIT_STARTED to last UNIT_SUCCEEDED, from the driver's own clock. */
  unitsMs: number;
  units: number;
  events: number;
}

export async function driveNoop(o: DriveOptions): Promise<DriveTiming> {
  const store = await openEventStore(o.file, { synchronous: o.synchronous ?? 'NORMAL' });
  try {
    return await driveNoopOn(store, o);
  } finally {
    await store.close();
  }
}

/** driveNoop on a store the caller opened (and closes): any backend of the interface. */
export async function driveNoopOn(
  store: EventStore,
  o: Omit<DriveOptions, 'file' | 'synchronous'>,
): Promise<DriveTiming> {
  const partitions = calendar(o.units);
  const plan = benchPlan({ partitions, steps: 1, concurrency: o.concurrency });
  const runId = await createRun(store, plan, { runId: 'bench' });
  const wh = new NoopWarehouse({ partitions, delayMs: o.delayMs });
  const driver = new Driver({ store, runId, warehouse: routeWarehouse(wh), logDir: undefined });
  let first = 0;
  let last = 0;
  let events = 0;
  driver.events$.subscribe(({ event }) => {
    events++;
    if (event.type === 'UNIT_STARTED' && first === 0) first = performance.now();
    else if (event.type === 'UNIT_SUCCEEDED') last = performance.now();
  });
  const t0 = performance.now();
  const res = await driver.run();
  const totalMs = performance.now() - t0;
  if (res.status !== 'succeeded' || wh.materialized !== o.units) {
    throw new Error(`bench run ended ${res.status} after ${wh.materialized}/${o.units} units`);
  }
  return { totalMs, unitsMs: last - first, units: o.units, events };
}
