// The progress figures as text: durations, rates and ETAs, including the unknown (no rate yet, no total yet) and
// finished cases, and the rate meter counting only units that finished in this process.
import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatEta,
  formatRate,
  overallText,
  RateMeter,
  UNKNOWN,
} from '../../../src/observe/index.js';

describe('progress text', () => {
  it('writes durations in seconds, minutes or hours', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(44.2)).toBe('45s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(2 * 3600 + 7 * 60)).toBe('2h07m');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1]) expect(formatDuration(bad)).toBe(UNKNOWN);
  });

  it('shows the rate, or the unknown mark before anything was measured', () => {
    expect(formatRate(2.25)).toBe('2.3/s');
    expect(formatRate(123.4)).toBe('123/s');
    for (const r of [undefined, 0, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatRate(r)).toBe('–/s');
  });

  it('shows the ETA: unknown without a rate or total, done when every unit finished', () => {
    expect(formatEta({ total: 100, done: 40, failed: 0 }, undefined)).toBe('–');
    expect(formatEta({ total: 100, done: 40, failed: 0 }, 0)).toBe('–');
    expect(formatEta({ total: 0, done: 0, failed: 0 }, 5)).toBe('–');
    // 60 units left at 2 per second.
    expect(formatEta({ total: 100, done: 40, failed: 0 }, 2)).toBe('30s');
    // Failed-for-good units are finished too: nothing left.
    expect(formatEta({ total: 100, done: 98, failed: 2 }, undefined)).toBe('done');
    expect(formatEta({ total: 100, done: 100, failed: 0 }, 3)).toBe('done');
  });

  it('sums the run as units done/total, rate and ETA', () => {
    expect(overallText({ total: 5766, done: 118, failed: 2 }, 12.3)).toBe(
      '120/5766 units (2 failed) · 12/s · ETA 7m40s',
    );
    expect(overallText({ total: 0, done: 0, failed: 0 }, undefined)).toBe('0/– units · –/s · ETA –');
    expect(overallText({ total: 10, done: 10, failed: 0 }, 4)).toBe('10/10 units · 4.0/s · ETA done');
  });

  it('measures the rate from units finished here, from the first start', () => {
    const m = new RateMeter();
    expect(m.rate(0)).toBeUndefined();
    m.observe({ type: 'UNIT_STARTED', step: 'a', partition: '1', attempt: 1, reason: 'first' }, 1000);
    expect(m.rate(2000)).toBeUndefined();
    m.observe({ type: 'UNIT_SUCCEEDED', step: 'a', partition: '1', attempt: 1, rows: 1, ms: 1 }, 2000);
    const retrying = { code: 'X', message: 'x', retryable: true };
    m.observe(
      { type: 'UNIT_FAILED', step: 'a', partition: '2', attempt: 1, final: false, error: retrying },
      2500,
    );
    m.observe(
      { type: 'UNIT_FAILED', step: 'b', partition: '2', attempt: 1, final: true, error: retrying },
      3000,
    );
    // Two finished (one succeeded, one failed for good; the retrying one is not finished) in 4 s.
    expect(m.rate(5000)).toBe(0.5);
    expect(m.stepRate('a', 5000)).toBe(0.25);
    expect(m.stepRate('c', 5000)).toBeUndefined();
  });
});
