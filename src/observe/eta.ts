// ETA per step and per run from the log's unit completions (EWMA, machines/eta.ts), with the units remaining
// from the machine's counters. Fed live by a driver's events, or from the tail of a stored log (status).

import {
  EMPTY_EWMA,
  type Ewma,
  etaSeconds,
  ewmaAfter,
  type RunEvent,
  type RunSnapshot,
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

  /** A unit finished (succeeded, or failed for good) at `atMs`. */
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
}
