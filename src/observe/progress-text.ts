// The figures shown while a run is driven, as text: units done/total, rate and ETA per step and for the whole
// run. Pure functions of counts, rates and times (the caller passes `now`), shared by the terminal bars and the
// plain line reporter; never a NaN, an Infinity or a template placeholder in what they return.

import type { RunEvent, RunSnapshot } from '../../machines/index.js';

export interface Counts {
  total: number;
  done: number;
  failed: number;
}

/** Shown while a figure cannot be known yet (no unit finished, nothing to measure). */
export const UNKNOWN = '–';

/** Seconds as `45s`, `3m05s` or `2h07m`; the unknown mark for anything that is not a finite, non-negative number. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return UNKNOWN;
  const s = Math.ceil(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h${pad(m % 60)}m`;
}

/** Units per second, or the unknown mark before anything was measured. */
export function formatRate(rate: number | undefined): string {
  if (rate === undefined || !Number.isFinite(rate) || rate <= 0) return `${UNKNOWN}/s`;
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s`;
}

export const remaining = (c: Counts): number => Math.max(0, c.total - c.done - c.failed);

/** `done` when every unit finished (succeeded or failed for good), the unknown mark without a rate, else the time left. */
export function formatEta(c: Counts, rate: number | undefined): string {
  if (c.total > 0 && remaining(c) === 0) return 'done';
  if (c.total === 0 || rate === undefined || !Number.isFinite(rate) || rate <= 0) return UNKNOWN;
  return formatDuration(remaining(c) / rate);
}

/** The sum of every step's counters. */
export function overallCounts(snap: RunSnapshot): Counts {
  const out = { total: 0, done: 0, failed: 0 };
  for (const c of Object.values(snap.context.steps)) {
    out.total += c.total;
    out.done += c.done;
    out.failed += c.failed;
  }
  return out;
}

/** `120/5766 units (2 failed) · 12.3/s · ETA 7m40s`: the run as a whole. */
export function overallText(c: Counts, rate: number | undefined): string {
  const total = c.total > 0 ? String(c.total) : UNKNOWN;
  const failed = c.failed > 0 ? ` (${c.failed} failed)` : '';
  return `${c.done + c.failed}/${total} units${failed} · ${formatRate(rate)} · ETA ${formatEta(c, rate)}`;
}

/**
 * Units finished per second, measured from the events this process sees: a unit counts when it succeeds or fails
 * for good (not when the baseline finds it already present), over the time since the first unit started.
 */
export class RateMeter {
  private startedAt: number | undefined;
  private finished = 0;
  private readonly perStep = new Map<string, { startedAt: number; finished: number }>();

  observe(event: RunEvent, now: number): void {
    if (event.type === 'UNIT_STARTED') {
      this.startedAt ??= now;
      if (!this.perStep.has(event.step)) this.perStep.set(event.step, { startedAt: now, finished: 0 });
      return;
    }
    if (event.type === 'UNIT_SUCCEEDED' || (event.type === 'UNIT_FAILED' && event.final)) {
      this.startedAt ??= now;
      this.finished++;
      const s = this.perStep.get(event.step) ?? { startedAt: now, finished: 0 };
      s.finished++;
      this.perStep.set(event.step, s);
    }
  }

  /** Whether a unit of `step` started (or finished) since this meter was created. */
  hasStarted(step: string): boolean {
    return this.perStep.has(step);
  }

  /** The run's rate, or undefined before a unit finished. */
  rate(now: number): number | undefined {
    return perSecond(this.finished, this.startedAt, now);
  }

  stepRate(step: string, now: number): number | undefined {
    const s = this.perStep.get(step);
    return s ? perSecond(s.finished, s.startedAt, now) : undefined;
  }
}

function perSecond(n: number, since: number | undefined, now: number): number | undefined {
  if (n === 0 || since === undefined || now <= since) return undefined;
  return n / ((now - since) / 1000);
}
