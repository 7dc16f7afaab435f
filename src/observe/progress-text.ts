// The figures shown while a run is driven, as text: units done/total, rate and ETA per step and for the whole
// run. Pure functions of counts, rates and ETA seconds (both from the one ETA, eta.ts), shared by the terminal bars
// and the plain line reporter; never a NaN, an Infinity or a template placeholder in what they return.

import type { RunSnapshot } from '../../machines/index.js';

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

/** `done` when every unit finished (succeeded or failed for good), the unknown mark without an ETA, else `seconds`. */
export function formatEta(c: Counts, seconds: number | undefined): string {
  if (c.total > 0 && remaining(c) === 0) return 'done';
  if (c.total === 0 || seconds === undefined) return UNKNOWN;
  return formatDuration(seconds);
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

/** `120/5766 units (2 failed) · 12/s · ETA 7m40s`: the run as a whole, at `rate` units/s with `eta` seconds left. */
export function overallText(c: Counts, rate: number | undefined, eta: number | undefined): string {
  const total = c.total > 0 ? String(c.total) : UNKNOWN;
  const failed = c.failed > 0 ? ` (${c.failed} failed)` : '';
  return `${c.done + c.failed}/${total} units${failed} · ${formatRate(rate)} · ETA ${formatEta(c, eta)}`;
}
