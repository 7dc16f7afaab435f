// Retry waits as data and a pure function of the failure count and a random draw: the default policy doubles
// from 500 ms to a 60 s cap, drawn from [w/2, w]; quota and rate-limit waits start at the backend's wait and
// are spread over [w, 1.5 w]. The same inputs always give the same wait.
import { describe, expect, it } from 'vitest';
import { RETRY_POLICIES, retryDelayMs, withDefaultWaits } from '../../machines/index.js';

describe('retry policy', () => {
  it('default: 500 ms doubling, capped at 60 s, the draw spreading it over [w/2, w]', () => {
    const low = [1, 2, 3, 4, 8, 20].map((t) => retryDelayMs(t, {}, RETRY_POLICIES, 0));
    expect(low).toEqual([250, 500, 1_000, 2_000, 30_000, 30_000]);
    expect(retryDelayMs(1, { code: 'QUERY' }, RETRY_POLICIES, 0.5)).toBe(375);
    expect(retryDelayMs(20, {}, RETRY_POLICIES, 0.999)).toBeLessThanOrEqual(60_000);
  });

  it('quota: the backend’s wait, never less, spread up to 1.5 times', () => {
    const quota = (tries: number, draw: number) =>
      retryDelayMs(tries, { code: 'QUOTA', retryAfterMs: 300_000 }, RETRY_POLICIES, draw);
    expect([quota(1, 0), quota(1, 0.5), quota(2, 0)]).toEqual([300_000, 375_000, 450_000]);
    expect(retryDelayMs(30, { code: 'QUOTA' }, RETRY_POLICIES, 0)).toBe(30 * 60_000);
  });

  it('is deterministic in its inputs', () => {
    expect(retryDelayMs(3, { code: 'RATE_LIMIT' }, RETRY_POLICIES, 0.25)).toBe(
      retryDelayMs(3, { code: 'RATE_LIMIT' }, RETRY_POLICIES, 0.25),
    );
    expect(retryDelayMs(3, { code: 'RATE_LIMIT' }, RETRY_POLICIES, 0.25)).toBe(4_500);
  });

  it('the default class’s first wait and cap can be changed, the others stay', () => {
    const p = withDefaultWaits(RETRY_POLICIES, { initialMs: 20, maxMs: 200 });
    expect([1, 2, 5].map((t) => retryDelayMs(t, {}, p, 0))).toEqual([10, 20, 100]);
    expect(p.quota).toEqual(RETRY_POLICIES.quota);
    expect(withDefaultWaits(RETRY_POLICIES, {}).default).toEqual(RETRY_POLICIES.default);
  });
});
