// A driver whose lease another process took (its epoch moved on) stops: its next append fails with LEASE_LOST,
// nothing more of it reaches the log, and the CLI maps the code to exit 4. Real store on a file, real driver;
// the warehouse is the benchmarks' no-op backend (units take a few ms each).
import { afterAll, describe, expect, it } from 'vitest';
import { NoopWarehouse } from '../../../bench/support/noop-warehouse.js';
import { benchPlan, calendar } from '../../../bench/support/plan.js';
import { exitCodeFor } from '../../../cli/exit-codes.js';
import { PhasedError } from '../../../machines/index.js';
import { createRun, Driver } from '../../../src/engine/index.js';
import { routeWarehouse } from '../../../src/warehouse/route.js';
import { openEventStore } from '../../../store/index.js';
import { removeTempDirs, tempDbFile } from '../../store/helpers.js';

afterAll(removeTempDirs);

describe('a driver that lost its lease', () => {
  it('stops appending and fails with LEASE_LOST (exit 4) once another owner holds the run', async () => {
    const file = tempDbFile();
    const partitions = calendar(400);
    const store = await openEventStore(file);
    const thief = await openEventStore(file);
    const runId = await createRun(store, benchPlan({ partitions, steps: 1, concurrency: 2 }), {
      runId: 'lost',
    });
    const wh = new NoopWarehouse({ partitions, delayMs: 5 });
    const driver = new Driver({ store, runId, warehouse: routeWarehouse(wh) });
    let stolenAt = -1;
    let appendedAfter = 0;
    let steal: Promise<unknown> | undefined;
    driver.events$.subscribe(({ stored, event }) => {
      if (stolenAt >= 0 && stored.seq > stolenAt) appendedAfter++;
      if (event.type === 'UNIT_SUCCEEDED' && steal === undefined) {
        // Another process takes the run over (as for a driver it judged dead): the epoch moves on.
        steal = thief
          .acquireLease(runId, 'thief@elsewhere', 60_000, { canSteal: () => true })
          .then(async (g) => {
            expect(g).toMatchObject({ ok: true });
            stolenAt = (await thief.head(runId)).seq;
          });
      }
    });
    const err = await driver.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    await steal;
    expect(err).toBeInstanceOf(PhasedError);
    expect((err as PhasedError).code).toBe('LEASE_LOST');
    expect(exitCodeFor((err as PhasedError).code)).toBe(4);
    // Nothing the driver decided after the takeover reached the log, and the run was left to the new owner.
    expect(stolenAt).toBeGreaterThan(0);
    expect(appendedAfter).toBe(0);
    expect((await thief.head(runId)).seq).toBe(stolenAt);
    expect(wh.materialized).toBeLessThan(partitions.length);
    expect((await thief.requireRun(runId)).owner).toBe('thief@elsewhere');
    expect(await thief.verifyChain(runId)).toMatchObject({ ok: true, count: stolenAt });
    await thief.close();
    await store.close();
  });
});
