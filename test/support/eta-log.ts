// A steady workload in a real SQLite log, for the ETA tests: the two-phase plan over 12 days, phase p1's units
// a1, b1, a2, b2, … 4 in flight, each event passed to live readers as a driver passes it, at times the test sets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import {
  createRunMachine,
  RunCursor,
  type RunEvent,
  type RunSnapshot,
  runStatus,
} from '../../machines/index.js';
import { createRun } from '../../src/engine/index.js';
import type { LoggedEvent } from '../../src/observe/index.js';
import { type EventStore, openEventStore } from '../../store/index.js';
import { twoPhasePlan } from './plans.js';
import { unitOk as ok, openingEvents, unitStarted as started } from './run-events.js';

export const T0 = Date.parse('2025-03-01T00:00:00.000Z');
export const DATES = Array.from({ length: 12 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
export const plan = { ...twoPhasePlan(), range: { start: '2024-01-01', end: '2024-01-12' } };
// Phase p1's units in order a1, b1, a2, b2, …; 4 in flight, each next one starting as one finishes.
export const UNITS = DATES.flatMap((d) => [
  ['a', d],
  ['b', d],
]) as [string, string][];

export { unitOk as ok, unitStarted as started } from './run-events.js';

export interface Log {
  db: string;
  store: EventStore;
  runId: string;
  /** Append `events` at `atMs`, and pass each to the live readers, as a driver does. */
  append(atMs: number, events: RunEvent[]): Promise<void>;
  events$: Subject<LoggedEvent>;
}

const cleanups: (() => Promise<void>)[] = [];

/** Close every log steadyLog opened (call from afterEach). */
export async function closeLogs(): Promise<void> {
  for (const c of cleanups.splice(0)) await c();
}

/** The run `eta`, created, attached, past its prerequisites and baseline. */
export async function steadyLog(): Promise<Log> {
  const dir = mkdtempSync(join(tmpdir(), 'phased-eta-'));
  const db = join(dir, 'phased.db');
  const store = await openEventStore(db);
  const cursor = new RunCursor(createRunMachine(plan));
  const events$ = new Subject<LoggedEvent>();
  cleanups.push(async () => {
    cursor.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const runId = await createRun(store, plan, { runId: 'eta' });
  const append = async (atMs: number, events: RunEvent[]) => {
    const head = (await store.head(runId)).seq;
    const snaps: RunSnapshot[] = [];
    const stored = await store.append(
      runId,
      head,
      events.map((event) => {
        const snap = cursor.apply(event);
        snaps.push(snap);
        return { event, at: new Date(atMs).toISOString(), state: snap.value, status: runStatus(snap) };
      }),
    );
    stored.forEach((st, i) => {
      events$.next({ event: events[i] as RunEvent, snap: snaps[i] as RunSnapshot, stored: st });
    });
  };
  await append(T0, openingEvents(runId, plan, DATES));
  for (const [s, p] of UNITS.slice(0, 4)) await append(T0, [started(s, p)]);
  return { db, store, runId, append, events$ };
}

/** Unit i of UNITS finishes at `atMs` and unit i + 4 starts. */
export const finish = (log: Log, i: number, atMs: number) =>
  log.append(atMs, [ok(...(UNITS[i] as [string, string])), started(...(UNITS[i + 4] as [string, string]))]);
