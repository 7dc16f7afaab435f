// The timeline's time axis: linear, except that long stretches with no activity at all (no attempt running, no
// marker: a run interrupted overnight, a laptop asleep) are cut down to a fixed narrow break, labelled with the
// time they took, so the work on either side stays readable. Pure: times in, pixels out, and back.

/** Width of a cut stretch, in px. */
export const BREAK_W = 28;

export interface Span {
  from: number;
  to: number;
}

export interface TimeAxis {
  /** x in px (from 0) of time t; a time inside a cut stretch falls within its break. */
  x(t: number): number;
  /** The time at x (the start of a cut stretch for an x inside its break). */
  t(x: number): number;
  /** The cut stretches, each with its break's left edge. */
  breaks: (Span & { x: number })[];
}

interface Segment extends Span {
  x0: number;
  w: number;
  cut: boolean;
}

/**
 * Stretches of [t0, t1] that no activity covers, at least `minGapMs` long and a tenth of the whole: `active` holds
 * the attempts (start to end) and markers (a point each).
 */
export function idleStretches(t0: number, t1: number, active: Span[], minGapMs = 10_000): Span[] {
  const least = Math.max(minGapMs, (t1 - t0) / 10);
  const sorted = active.filter((s) => s.to >= t0 && s.from <= t1).sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  let reached = t0;
  for (const s of sorted) {
    if (s.from - reached >= least) out.push({ from: reached, to: s.from });
    reached = Math.max(reached, s.to);
  }
  if (t1 - reached >= least) out.push({ from: reached, to: t1 });
  return out;
}

/** The axis for [t0, t1] over `width` px with the `cut` stretches (sorted, disjoint, inside) shown as breaks. */
export function timeAxis(t0: number, t1: number, width: number, cut: Span[]): TimeAxis {
  const breaks = width > (cut.length + 1) * BREAK_W * 2 ? cut : [];
  const cutMs = breaks.reduce((a, s) => a + (s.to - s.from), 0);
  const activeMs = Math.max(1, t1 - t0 - cutMs);
  const perMs = (width - breaks.length * BREAK_W) / activeMs;
  const segments: Segment[] = [];
  let x = 0;
  let at = t0;
  for (const b of breaks) {
    segments.push({ from: at, to: b.from, x0: x, w: (b.from - at) * perMs, cut: false });
    x += (b.from - at) * perMs;
    segments.push({ from: b.from, to: b.to, x0: x, w: BREAK_W, cut: true });
    x += BREAK_W;
    at = b.to;
  }
  segments.push({ from: at, to: t1, x0: x, w: (t1 - at) * perMs, cut: false });
  const byTime = (t: number) => segments.find((s) => t <= s.to) ?? segments[segments.length - 1];
  // A break's right edge is where the time after it starts.
  const byX = (px: number) =>
    segments.find((s) => (s.cut ? px < s.x0 + s.w : px <= s.x0 + s.w)) ?? segments[segments.length - 1];
  return {
    x(t) {
      const s = byTime(t);
      const f = s.to > s.from ? (t - s.from) / (s.to - s.from) : 0;
      return s.x0 + Math.min(1, Math.max(0, f)) * s.w;
    },
    t(px) {
      const s = byX(px);
      if (s.cut) return s.from;
      return s.from + ((px - s.x0) / Math.max(s.w, 1e-9)) * (s.to - s.from);
    },
    breaks: segments.filter((s) => s.cut).map((s) => ({ from: s.from, to: s.to, x: s.x0 })),
  };
}
