// The progress figures as text: durations, rates and ETAs, including the unknown (no rate yet, no total yet) and
// finished cases, and the rate the ETA tracker gives, counting only units that finished (not retrying ones).
import { describe, expect, it } from 'vitest';
import {
  EtaTracker,
  formatDuration,
  formatEta,
  formatRate,
  overallText,
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

  it('shows the ETA: unknown without an ETA or total, done when every unit finished', () => {
    expect(formatEta({ total: 100, done: 40, failed: 0 }, undefined)).toBe('–');
    expect(formatEta({ total: 100, done: 40, failed: 0 }, Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatEta({ total: 0, done: 0, failed: 0 }, 5)).toBe('–');
    // 60 units left, 30 s to go.
    expect(formatEta({ total: 100, done: 40, failed: 0 }, 30)).toBe('30s');
    // Failed-for-good units are finished too: nothing left.
    expect(formatEta({ total: 100, done: 98, failed: 2 }, undefined)).toBe('done');
    expect(formatEta({ total: 100, done: 100, failed: 0 }, 3)).toBe('done');
  });

  it('sums the run as units done/total, rate and ETA', () => {
    // 5646 units left at 12.3 per second: 459 s.
    expect(overallText({ total: 5766, done: 118, failed: 2 }, 12.3, 5646 / 12.3)).toBe(
      '120/5766 units (2 failed) · 12/s · ETA 7m40s',
    );
    expect(overallText({ total: 0, done: 0, failed: 0 }, undefined, undefined)).toBe(
      '0/– units · –/s · ETA –',
    );
    expect(overallText({ total: 10, done: 10, failed: 0 }, 4, 0)).toBe('10/10 units · 4.0/s · ETA done');
  });

  it('measures the rate from the spacing of finished units, not retrying ones', () => {
    const m = new EtaTracker();
    expect(m.rate()).toBeUndefined();
    m.observe({ type: 'UNIT_STARTED', step: 'a', partition: '1', attempt: 1, reason: 'first' }, 1000);
    m.observe({ type: 'UNIT_SUCCEEDED', step: 'a', partition: '1', attempt: 1, rows: 1, ms: 1 }, 2000);
    expect(m.rate()).toBeUndefined();
    const retrying = { code: 'X', message: 'x', retryable: true };
    m.observe(
      { type: 'UNIT_FAILED', step: 'a', partition: '2', attempt: 1, final: false, error: retrying },
      2500,
    );
    m.observe(
      { type: 'UNIT_FAILED', step: 'b', partition: '2', attempt: 1, final: true, error: retrying },
      4000,
    );
    // Two finished (one succeeded, one failed for good; the retrying one is not finished), 2 s apart.
    expect(m.rate()).toBe(0.5);
    // Each step saw one completion only: no spacing yet.
    expect(m.rate('a')).toBeUndefined();
    expect(m.rate('c')).toBeUndefined();
  });
});
