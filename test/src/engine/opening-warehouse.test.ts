// A resume starts opening the run's backends before the driver takes the lease (openRunWarehouseEarly). The driver
// uses them only for the frozen plan they were opened for, and an opening that failed stops it before it appends
// anything, as its own opening would. Real store on a file, real driver, the benchmarks' no-op backend.
import { afterAll, expect, it } from 'vitest';
import { NoopWarehouse } from '../../../bench/support/noop-warehouse.js';
import { benchPlan, calendar } from '../../../bench/support/plan.js';
import { PhasedError } from '../../../machines/index.js';
import { createRun, Driver } from '../../../src/engine/index.js';
import { routeWarehouse } from '../../../src/warehouse/route.js';
import { type EventStore, openEventStore } from '../../../store/index.js';
import { removeTempDirs, tempDbFile } from '../../store/helpers.js';

afterAll(removeTempDirs);

const partitions = calendar(6);

async function newRun(): Promise<{ store: EventStore; runId: string; planHash: string }> {
  const store = await openEventStore(tempDbFile());
  // The plan names an SQLite warehouse at ':memory:', which is no file: a driver opening it itself refuses it.
  const runId = await createRun(store, benchPlan({ partitions, steps: 1 }), { runId: 'early' });
  return { store, runId, planHash: (await store.requireRun(runId)).planHash };
}

async function outcome(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (r) => r,
    (e: unknown) => e,
  );
}

it('drives the run on backends opened early for its frozen plan', async () => {
  const { store, runId, planHash } = await newRun();
  const wh = new NoopWarehouse({ partitions });
  const driver = new Driver({
    store,
    runId,
    opening: { planHash, opened: Promise.resolve(routeWarehouse(wh)) },
  });
  expect(await driver.run()).toMatchObject({ status: 'succeeded', exitCode: 0 });
  expect(wh.materialized).toBe(partitions.length);
  await store.close();
});

it('opens its own backends when the early ones were opened for another plan', async () => {
  const { store, runId } = await newRun();
  const stale = new NoopWarehouse({ partitions });
  const driver = new Driver({
    store,
    runId,
    opening: { planHash: 'another plan', opened: Promise.resolve(routeWarehouse(stale)) },
  });
  const err = await outcome(driver.run());
  // Its own opening of the plan's warehouse (':memory:' is no file) is refused; the stale one ran nothing.
  expect(err).toBeInstanceOf(PhasedError);
  expect((err as PhasedError).code).toBe('BAD_ARGUMENT');
  expect((err as PhasedError).message).toContain(':memory:');
  expect(stale.materialized).toBe(0);
  await store.close();
});

it('stops before appending anything when the early opening failed, and frees the lease', async () => {
  const { store, runId, planHash } = await newRun();
  const before = await store.head(runId);
  const refused = new PhasedError('BAD_ARGUMENT', 'warehouse file w.db cannot be read as SQLite');
  const opened = Promise.reject(refused);
  opened.catch(() => undefined);
  const err = await outcome(new Driver({ store, runId, opening: { planHash, opened } }).run());
  expect(err).toBe(refused);
  expect(await store.head(runId)).toEqual(before);
  expect((await store.requireRun(runId)).owner).toBeFalsy();
  await store.close();
});
