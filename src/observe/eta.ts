// The one ETA, per step and per run, from the log's unit completions (EWMA, machines/eta.ts) with the units
// remaining from the machine's counters. `status`, /metrics, the progress bars and the line reporter all read it:
// from the tail of a stored log (status), or fed live by a driver's events (timed by their stored `at`) after
// the completions the log held before them (a resumed run's ETA starts where it left off).

import type { Observable } from 'rxjs';
import {
  EMPTY_EWMA,
  type Ewma,
  etaSeconds,
  eventFromRow,
  ewmaAfter,
  type RunEvent,
  type RunSnapshot,
  ratePerSecond,
} from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';

/** Completions read back from a log for the ETA: those among its latest ETA_WINDOW events. */
export const ETA_WINDOW = 2000;

const COMPLETIONS = ['UNIT_SUCCEEDED', 'UNIT_FAILED'] as const;

type Completion = Extract<RunEvent, { type: 'UNIT_SUCCEEDED' | 'UNIT_FAILED' }>;

const finished = (event: RunEvent): event is Completion =>
  event.type === 'UNIT_SUCCEEDED' || (event.type === 'UNIT_FAILED' && event.final === true);

export interface EtaView {
  /** Seconds until the run's remaining units are done (undefined until two units finished). */
  run?: number;
  remaining: number;
  steps: Record<string, { eta?: number; remaining: number }>;
}

export class EtaTracker {
  private run: Ewma = EMPTY_EWMA;
  private readonly steps = new Map<string, Ewma>();
  /** Completions observed while the log's earlier ones are still to come (see holdForEarlier). */
  private live: [Completion, number][] | undefined;

  /** A unit finished (succeeded, or failed for good) at `atMs` (the event's time in the log). */
  observe(event: RunEvent, atMs: number): void {
    if (!finished(event)) return;
    this.live?.push([event, atMs]);
    this.fold(event.step, atMs);
  }

  /** Completions observed from now on are folded again after the earlier ones, once earlier() gives them. */
  holdForEarlier(): void {
    this.live ??= [];
  }

  /** The log's completions before the first observed one, in order: the average restarts from them. */
  earlier(events: Iterable<[RunEvent, number]>): void {
    const live = this.live ?? [];
    this.live = undefined;
    this.run = EMPTY_EWMA;
    this.steps.clear();
    for (const [event, atMs] of events) this.observe(event, atMs);
    for (const [event, atMs] of live) this.observe(event, atMs);
  }

  private fold(step: string, atMs: number): void {
    this.run = ewmaAfter(this.run, atMs);
    this.steps.set(step, ewmaAfter(this.steps.get(step) ?? EMPTY_EWMA, atMs));
  }

  view(snap: RunSnapshot): EtaView {
    const steps: EtaView['steps'] = {};
    let remaining = 0;
    for (const [id, c] of Object.entries(snap.context.steps)) {
      remaining += c.pending;
      steps[id] = { remaining: c.pending, eta: etaSeconds(this.steps.get(id) ?? EMPTY_EWMA, c.pending) };
    }
    return { run: etaSeconds(this.run, remaining), remaining, steps };
  }

  /** Units per second at the smoothed rate the ETA uses, for the run or one step (undefined while unknown). */
  rate(step?: string): number | undefined {
    return ratePerSecond(step === undefined ? this.run : (this.steps.get(step) ?? EMPTY_EWMA));
  }
}

/** A driver's event as the live readers of the ETA receive it: with the machine's snapshot and its time in the log. */
export interface LoggedEvent {
  event: RunEvent;
  snap: RunSnapshot;
  stored: { runId: string; seq: number; at: string };
}

/** The completions among the log's events in (toSeq - ETA_WINDOW, toSeq], with their times in the log. */
export async function loggedCompletions(
  store: EventStore,
  runId: string,
  toSeq: number,
): Promise<[RunEvent, number][]> {
  const rows = await store.views.eventsOfTypes(runId, COMPLETIONS, Math.max(0, toSeq - ETA_WINDOW), toSeq);
  return rows.map((e) => [eventFromRow(e.type, e.data), Date.parse(e.at)]);
}

/**
 * An ETA fed from a driver's events (subscribe it before the readers of its view), after the completions its
 * log held before them when `store` is given: those are read once the first unit finishes here, so a resume
 * reads nothing more before its first unit is under way.
 */
export function liveEta(
  events$: Observable<{ event: RunEvent; stored: LoggedEvent['stored'] }>,
  store?: EventStore,
): EtaTracker {
  const tracker = new EtaTracker();
  if (!store) {
    events$.subscribe(({ event, stored }) => tracker.observe(event, Date.parse(stored.at)));
    return tracker;
  }
  tracker.holdForEarlier();
  let asked = false;
  events$.subscribe(({ event, stored }) => {
    tracker.observe(event, Date.parse(stored.at));
    if (asked || !finished(event)) return;
    asked = true;
    // Never inside the driver's emit: a read that fails (a store closed as the run ended) leaves the live ones.
    Promise.resolve()
      .then(() => loggedCompletions(store, stored.runId, stored.seq - 1))
      .then(
        (earlier) => tracker.earlier(earlier),
        () => tracker.earlier([]),
      );
  });
  return tracker;
}
