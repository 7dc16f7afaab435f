// ETA from observed throughput: an exponentially weighted moving average of the time between unit
// completions, times the units remaining. Pure: timestamps arrive as numbers (the log's `at`).

/** Weight of the newest interval. */
export const ETA_ALPHA = 0.2;

export interface Ewma {
  /** Smoothed milliseconds between completions; undefined before the second completion. */
  dtMs?: number;
  lastAt?: number;
  /** Completions seen. */
  n: number;
}

export const EMPTY_EWMA: Ewma = { n: 0 };

/** The average after a completion at `atMs`. */
export function ewmaAfter(s: Ewma, atMs: number, alpha = ETA_ALPHA): Ewma {
  if (s.lastAt === undefined)
    return { n: s.n + 1, lastAt: atMs, ...(s.dtMs === undefined ? {} : { dtMs: s.dtMs }) };
  const dt = Math.max(0, atMs - s.lastAt);
  const dtMs = s.dtMs === undefined ? dt : alpha * dt + (1 - alpha) * s.dtMs;
  return { dtMs, lastAt: Math.max(atMs, s.lastAt), n: s.n + 1 };
}

/** Seconds until `remaining` units are done at the smoothed rate: 0 when none remain, undefined when unknown. */
export function etaSeconds(s: Ewma, remaining: number): number | undefined {
  if (remaining <= 0) return 0;
  if (s.dtMs === undefined) return undefined;
  return (remaining * s.dtMs) / 1000;
}

/** Units per second at the smoothed rate (undefined when unknown). */
export function ratePerSecond(s: Ewma): number | undefined {
  if (s.dtMs === undefined) return undefined;
  return s.dtMs === 0 ? Number.POSITIVE_INFINITY : 1000 / s.dtMs;
}
