// ETA from observed throughput: an exponentially weighted moving average of the time between unit
// completions, times the units remaining. Pure: timestamps arrive as numbers (the log's `at`).

/** Weight of the newest interval. */
export const ETA_ALPHA = 0.2;

export interface Ewma {
  /** Smoothed milliseconds between completions; undefined until completions span some time. */
  dtMs?: number;
  /** The average before the completions at `lastAt` (one group commit's) were folded in. */
  base?: number;
  /** The completion time before `lastAt`: the group at `lastAt` took the span since. */
  fromAt?: number;
  lastAt?: number;
  /** Completions at `lastAt`. */
  k?: number;
  /** Completions seen. */
  n: number;
}

export const EMPTY_EWMA: Ewma = { n: 0 };

/** `base` moved towards `spacing` as if by `k` completions of that spacing, one after another. */
function blend(base: number | undefined, spacing: number, k: number, alpha: number): number {
  if (base === undefined) return spacing;
  const w = 1 - (1 - alpha) ** k;
  return w * spacing + (1 - w) * base;
}

/**
 * The average after a completion at `atMs`. Completions logged in one group commit share a timestamp: the k
 * of them at one time took the span since the previous time together, k intervals of span ÷ k, so the average
 * never sees a zero spacing. Completions that each have their own time give the plain EWMA.
 */
export function ewmaAfter(s: Ewma, atMs: number, alpha = ETA_ALPHA): Ewma {
  const n = s.n + 1;
  if (s.lastAt === undefined) return { n, lastAt: atMs, k: 1 };
  if (atMs <= s.lastAt) {
    const k = (s.k ?? 1) + 1;
    if (s.fromAt === undefined) return { ...s, n, k };
    return { ...s, n, k, dtMs: blend(s.base, (s.lastAt - s.fromAt) / k, k, alpha) };
  }
  return {
    n,
    base: s.dtMs,
    fromAt: s.lastAt,
    lastAt: atMs,
    k: 1,
    dtMs: blend(s.dtMs, atMs - s.lastAt, 1, alpha),
  };
}

/** Seconds until `remaining` units are done at the smoothed rate: 0 when none remain, undefined when unknown. */
export function etaSeconds(s: Ewma, remaining: number): number | undefined {
  if (remaining <= 0) return 0;
  if (s.dtMs === undefined || s.dtMs <= 0) return undefined;
  return (remaining * s.dtMs) / 1000;
}

/** Units per second at the smoothed rate (undefined while unknown, so always finite). */
export function ratePerSecond(s: Ewma): number | undefined {
  return s.dtMs === undefined || s.dtMs <= 0 ? undefined : 1000 / s.dtMs;
}
