// A run of the two-phase plan in a real SQLite file, written through the asynchronous store interface: each event
// carries the state the real machine reaches and an `at` one second after the previous one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRunMachine,
  type ResolvedPlan,
  RunCursor,
  type RunEvent,
  runStatus,
} from '../../../machines/index.js';
import { type EventStore, openEventStore } from '../../../store/index.js';
import { twoPhasePlan } from '../../support/plans.js';
import { openingEvents } from '../../support/run-events.js';

export const DATES = ['2024-01-01', '2024-01-02', '2024-01-03'];
const T0 = Date.parse('2025-03-01T00:00:00.000Z');

export interface LiveFixture {
  store: EventStore;
  runId: string;
  /** Append `events` in one transaction after the head. */
  append(events: RunEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** One attempt of a unit: started, then succeeded or failed for good. */
export const unit = (step: string, partition: string, ok: boolean): RunEvent[] => [
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

/** The run `r1` of `plan`, created, attached, past its prerequisites and baseline (4 events). */
export async function makeLiveFixture(plan: ResolvedPlan = twoPhasePlan()): Promise<LiveFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'phased-console-'));
  const store = await openEventStore(join(dir, 'phased.db'));
  const cursor = new RunCursor(createRunMachine(plan));
  const runId = 'r1';
  let n = 0;
  const append = async (events: RunEvent[]) => {
    const head = (await store.head(runId)).seq;
    await store.append(
      runId,
      head,
      events.map((event) => {
        const snap = cursor.apply(event);
        return {
          event,
          at: new Date(T0 + 1000 * n++).toISOString(),
          state: snap.value,
          status: runStatus(snap),
        };
      }),
    );
  };
  await store.createRun({
    runId,
    planName: plan.name,
    planHash: 'h',
    planJson: JSON.stringify(plan),
    machineVersion: '1',
    createdAt: new Date(T0).toISOString(),
  });
  await append(openingEvents(runId, plan, DATES, ['a', 'b']));
  return {
    store,
    runId,
    append,
    close: async () => {
      cursor.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
