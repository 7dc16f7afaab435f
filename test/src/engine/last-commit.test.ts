// A RunLog's last commit (the driver's DRIVER_DETACHED): once it is decided, later commits append nothing and fail
// with LEASE_LOST, including one called before it lands; commits decided before it land in order. Real SQLite file,
// real store, real machine.
import { afterAll, describe, expect, it } from 'vitest';
import { PhasedError, type RunEvent } from '../../../machines/index.js';
import { RunLog } from '../../../src/engine/index.js';
import { openEventStore } from '../../../store/index.js';
import { allEvents, dates, removeTempDirs, tempDbFile } from '../../store/helpers.js';
import { unitOk, unitStarted } from '../../support/run-events.js';
import { seedUnitRun } from '../../support/seed.js';

afterAll(removeTempDirs);

const PARTITIONS = dates(3);

const started = (partition: string) => unitStarted('a', partition);
const succeeded = (partition: string) => unitOk('a', partition);
const detached: RunEvent = { type: 'DRIVER_DETACHED', pid: 1, host: 'h', version: 'v', reason: 'SIGTERM' };

describe('a RunLog commit marked last', () => {
  it('is the last event appended: a result that arrives after it fails with LEASE_LOST and writes nothing', async () => {
    const store = await openEventStore(tempDbFile());
    try {
      const runId = await seedUnitRun(store, 'last', PARTITIONS);
      const log = await RunLog.open(store, runId);
      await log.commit([started(PARTITIONS[0]), started(PARTITIONS[1])]);
      // Called together, in this order: the first result is decided before the last commit, the second after it.
      const before = log.commit([succeeded(PARTITIONS[0])]);
      const last = log.commit([detached], { last: true });
      const after = log.commit([succeeded(PARTITIONS[1])]);
      await before;
      const [detachedAt] = await last;
      const refused = await after.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(PhasedError);
      expect(refused).toMatchObject({ code: 'LEASE_LOST' });
      expect((refused as Error).message).toContain(
        `run last: this driver's last event is seq ${detachedAt.seq}`,
      );
      // And any commit later still.
      await expect(log.commit([succeeded(PARTITIONS[1])])).rejects.toMatchObject({ code: 'LEASE_LOST' });

      const events = await allEvents(store, runId);
      expect(events.at(-1)).toMatchObject({ seq: detachedAt.seq, type: 'DRIVER_DETACHED' });
      expect(
        events.filter((e) => e.type === 'UNIT_SUCCEEDED').map((e) => JSON.parse(e.data).partition),
      ).toEqual([PARTITIONS[0]]);
      expect(log.seq).toBe(detachedAt.seq);
      const [unit] = await store.units(runId, { step: 'a', status: ['started'] });
      expect(unit.partition).toBe(PARTITIONS[1]);
    } finally {
      await store.close();
    }
  });
});
