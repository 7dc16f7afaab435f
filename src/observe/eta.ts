// The one ETA, per step and per run, from the log's unit completions (EWMA, machines/eta.ts) with the units
// remaining from the machine's counters. `status`, /metrics, the progress bars and the line reporter all read it:
// fed live by a driver's events (timed by their stored `at`), or from the tail of a stored log (status).

import {
  EMPTY_EWMA,
  type Ewma,
  etaSeconds,
  ewmaAfter,
  type RunEvent,
  type RunSnapshot,
  ratePerSecond,
} from '../../machines/index.js';

export interface EtaView {
  /** Seconds until the run's remaining units are done (undefined until two units finished). */
  run?: number;
  remaining: number;
  steps: Record<string, { eta?: number; remaining: number }>;
}

export class EtaTracker {
  private run: Ewma = EMPTY_EWMA;
  private readonly steps = new Map<string, Ewma>();

  /** A unit finished (succeeded, or failed for good) at `atMs` (the event's time in the log). */
  observe(event: RunEvent, atMs: number): void {
    const finished =
      event.type === 'UNIT_SUCCEEDED' || (event.type === 'UNIT_FAILED' && event.final === true);
    if (!finished) return;
    this.run = ewmaAfter(this.run, atMs);
    this.steps.set(event.step, ewmaAfter(this.steps.get(event.step) ?? EMPTY_EWMA, atMs));
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
  stored: { at: string };
}
