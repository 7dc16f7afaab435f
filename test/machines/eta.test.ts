// ETA by EWMA of completion spacing: converges on a steady workload and follows a change of pace. The
// timestamps are fed, not read from a clock.
import { describe, expect, it } from 'vitest';
import { EMPTY_EWMA, type Ewma, etaSeconds, ewmaAfter } from '../../machines/index.js';
import { prng } from '../support/cli.js';

function feed(
  s: Ewma,
  start: number,
  n: number,
  spacing: number,
  rand: () => number,
): { s: Ewma; t: number } {
  let t = start;
  let cur = s;
  for (let i = 0; i < n; i++) {
    // Jitter of ±30 % around the spacing, as unit durations vary.
    t += spacing * (0.7 + 0.6 * rand());
    cur = ewmaAfter(cur, t);
  }
  return { s: cur, t };
}

describe('ETA (EWMA)', () => {
  it('is unknown before two completions and zero when nothing remains', () => {
    expect(etaSeconds(EMPTY_EWMA, 10)).toBeUndefined();
    expect(etaSeconds(ewmaAfter(EMPTY_EWMA, 1000), 10)).toBeUndefined();
    expect(etaSeconds(EMPTY_EWMA, 0)).toBe(0);
  });

  it('converges on a steady workload and follows a change of pace', () => {
    const rand = prng(7);
    const steady = feed(EMPTY_EWMA, 0, 200, 100, rand);
    // 500 units left at one completion per 100 ms: 50 s.
    expect(etaSeconds(steady.s, 500)).toBeGreaterThan(50 * 0.85);
    expect(etaSeconds(steady.s, 500)).toBeLessThan(50 * 1.15);
    const slower = feed(steady.s, steady.t, 60, 400, rand);
    expect(etaSeconds(slower.s, 500)).toBeGreaterThan(200 * 0.85);
    expect(etaSeconds(slower.s, 500)).toBeLessThan(200 * 1.15);
  });
});
