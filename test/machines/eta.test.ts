// ETA by EWMA of completion spacing: converges on a steady workload and follows a change of pace. The
// timestamps are fed, not read from a clock.
import { describe, expect, it } from 'vitest';
import { EMPTY_EWMA, type Ewma, etaSeconds, ewmaAfter, ratePerSecond } from '../../machines/index.js';
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

  it('reads completions that share a timestamp (one group commit) as their span shared out', () => {
    // 16 units finish together every 160 ms: one unit per 10 ms, 100 units/s, whatever the order within a group.
    let s = EMPTY_EWMA;
    for (let wave = 0; wave < 30; wave++) for (let i = 0; i < 16; i++) s = ewmaAfter(s, 1000 + wave * 160);
    expect(ratePerSecond(s)).toBeCloseTo(100, 6);
    expect(etaSeconds(s, 1000)).toBeCloseTo(10, 6);
  });

  it('is unknown, not infinite, while every completion shares one millisecond', () => {
    let s = EMPTY_EWMA;
    for (let i = 0; i < 40; i++) s = ewmaAfter(s, 5000);
    expect(ratePerSecond(s)).toBeUndefined();
    expect(etaSeconds(s, 10)).toBeUndefined();
    // How long those 40 took is unknown; the next completion, 400 ms later, is one unit in 400 ms.
    expect(ratePerSecond(ewmaAfter(s, 5400))).toBeCloseTo(2.5, 6);
  });
});
