// `phased run` starts a spare SQLite warehouse worker as it begins (cli/driving.ts), as resume does: opening the
// plan's warehouse adopts it for an SQLite plan and stops it otherwise, so no idle thread outlives the opening.
import { afterAll, afterEach, expect, it } from 'vitest';
import { benchPlan, calendar } from '../../../bench/support/plan.js';
import { DRIVING_COMMANDS } from '../../../cli/driving.js';
import { openPlanWarehouse } from '../../../src/engine/index.js';
import { workerScript } from '../../../src/warehouse/sqlite-pool.js';
import {
  discardSpareWorker,
  startSpareWorker,
  takeSpareWorker,
} from '../../../src/warehouse/sqlite-spare.js';
import { removeTempDirs, tempDbFile } from '../../store/helpers.js';
import { makeSqliteFixture } from '../warehouse/sqlite-fixture.js';

afterEach(() => discardSpareWorker());
afterAll(removeTempDirs);

it('run and resume start the spare worker', () => {
  expect([...DRIVING_COMMANDS].sort()).toEqual(['resume', 'run']);
});

it("an SQLite plan's warehouse adopts the spare", async () => {
  const fx = await makeSqliteFixture(1);
  try {
    const spare = startSpareWorker();
    expect(spare).toBeDefined();
    const plan = { ...benchPlan({ partitions: calendar(2), steps: 1 }) };
    const wh = await openPlanWarehouse(
      { ...plan, warehouse: { kind: 'sqlite', path: fx.path } } as typeof plan,
      { logDir: tempDbFile() },
    );
    try {
      expect(takeSpareWorker(workerScript())).toBeUndefined();
    } finally {
      await wh.close();
    }
  } finally {
    await fx.close();
  }
});

it('a warehouse that does not open leaves no spare running', async () => {
  const spare = startSpareWorker();
  expect(spare).toBeDefined();
  const exited = new Promise<number>((r) => spare!.once('exit', r));
  // ':memory:' is no file: the SQLite warehouse refuses it before any pool starts.
  const plan = benchPlan({ partitions: calendar(2), steps: 1 });
  await expect(openPlanWarehouse(plan, { logDir: tempDbFile() })).rejects.toThrow(':memory:');
  expect(takeSpareWorker(workerScript())).toBeUndefined();
  expect(typeof (await exited)).toBe('number');
});
