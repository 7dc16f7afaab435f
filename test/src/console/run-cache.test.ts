// The console's runs held in memory, read through the asynchronous store: concurrent first requests share one
// load, and concurrent requests that each advance a run fold every new event once (the pace and the open units
// after them are those of a run loaded fresh from the same log). Real SQLite files; events through the real machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compactPartitions,
  createRunMachine,
  eventData,
  RunCursor,
  type RunEvent,
  runStatus,
} from '../../../machines/index.js';
import { RunCache } from '../../../src/console/index.js';
import { rebuildAt } from '../../../src/observe/index.js';
import { type EventStore, openEventStore } from '../../../store/index.js';
import { twoPhasePlan } from '../../support/plans.js';

const plan = twoPhasePlan();
const DATES = ['2024-01-01', '2024-01-02', '2024-01-03'];
const T0 = Date.parse('2025-03-01T00:00:00.000Z');

let dir: string;
let store: EventStore;
let cursor: RunCursor;
let n = 0;

/** Append through the interface, each event with the state the real machine reaches and its own second. */
async function append(events: RunEvent[]): Promise<void> {
  const head = (await store.head('r1')).seq;
  await store.append(
    'r1',
    head,
    events.map((event) => {
      const snap = cursor.apply(event);
      return {
        type: event.type,
        data: eventData(event),
        at: new Date(T0 + 1000 * n++).toISOString(),
        state: snap.value,
        status: runStatus(snap),
      };
    }),
  );
}

const unit = (step: string, partition: string, ok: boolean): RunEvent[] => [
  { type: 'UNIT_STARTED', step, partition, attempt: 1, reason: 'first' },
  ok
    ? { type: 'UNIT_SUCCEEDED', step, partition, attempt: 1, rows: 1, ms: 5 }
    : {
        type: 'UNIT_FAILED',
        step,
        partition,
        attempt: 1,
        final: true,
        error: { code: 'SQL_ERROR', message: 'no such column', retryable: false },
      },
];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'phased-run-cache-'));
  store = await openEventStore(join(dir, 'phased.db'));
  cursor = new RunCursor(createRunMachine(plan));
  n = 0;
  await store.createRun({
    runId: 'r1',
    planName: plan.name,
    planHash: 'h',
    planJson: JSON.stringify(plan),
    machineVersion: '1',
    createdAt: new Date(T0).toISOString(),
  });
  await append([
    {
      type: 'RUN_CREATED',
      runId: 'r1',
      planName: plan.name,
      planHash: 'h',
      range: plan.range,
      machineVersion: '1',
      refill: 'missing',
    },
    { type: 'DRIVER_ATTACHED', pid: 1, host: 'test', version: 'test' },
    { type: 'PREREQS_PASSED', checks: [] },
    {
      type: 'BASELINE_RECORDED',
      partitions: DATES.length,
      steps: ['a', 'b'].map((step) => ({
        step,
        expected: DATES.length,
        present: 0,
        missing: DATES.length,
        toRun: compactPartitions(DATES),
      })),
    },
  ]);
});

afterEach(async () => {
  cursor.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('RunCache over the asynchronous store', () => {
  it('shares one load among concurrent first requests', async () => {
    const cache = new RunCache(store);
    try {
      const got = await Promise.all([cache.get('r1'), cache.get('r1'), cache.get('r1')]);
      expect(got[0]).toBeDefined();
      expect(got[1]).toBe(got[0]);
      expect(got[2]).toBe(got[0]);
      expect(await cache.get('nope')).toBeUndefined();
    } finally {
      cache.close();
    }
  });

  it('folds each new event once when concurrent requests advance the run', async () => {
    const cache = new RunCache(store);
    const fresh = new RunCache(store);
    try {
      const live = await cache.get('r1');
      if (!live) throw new Error('run r1 not loaded');
      await append([...unit('a', DATES[0], true), ...unit('b', DATES[0], true)]);
      await append([...unit('a', DATES[1], true), ...unit('b', DATES[1], false)]);
      await append([...unit('a', DATES[2], true)]);
      await Promise.all(Array.from({ length: 8 }, () => live.advance()));

      const head = (await store.head('r1')).seq;
      expect(live.seq).toBe(head);
      const again = await fresh.get('r1');
      // Five outcomes two seconds apart each (start, outcome): 4 intervals over 8 s … as a fresh load reads them.
      expect(live.unitsPerMinute()).toBe(again?.unitsPerMinute());
      expect(live.unitsPerMinute()).toBeCloseTo((4 * 60_000) / 8_000, 6);
      expect([...live.open.values()].map((u) => `${u.step} ${u.partition} ${u.status}`)).toEqual([
        `b ${DATES[1]} failed`,
      ]);
      const rebuilt = await rebuildAt(store, 'r1');
      expect(live.snapshot.context.steps).toEqual(rebuilt.snapshot.context.steps);
    } finally {
      cache.close();
      fresh.close();
    }
  });
});
