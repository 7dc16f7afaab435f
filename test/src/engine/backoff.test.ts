// Retry waits: exponential growth with jitter, capped, and never shorter than a backend's retryAfterMs;
// quota and rate-limit waits keep their jitter, so units that failed together do not retry together.
import { describe, expect, it } from 'vitest';
import { backoffMs, RETRY_POLICIES, sleep } from '../../../src/engine/index.js';
import { classify } from '../../../src/warehouse/bigquery-errors.js';
import { prng } from '../../support/cli.js';

const policy = {
  ...RETRY_POLICIES,
  default: { initialMs: 100, coefficient: 2, maxMs: 1_000, jitter: [0.5, 1] as const },
};

/** What BigQuery answers when a project's quota is exhausted (an ApiError as the client throws it). */
const quotaError = () => ({
  code: 403,
  message: 'Quota exceeded: Your table exceeded quota for imports or query appends per table.',
  errors: [{ reason: 'quotaExceeded', message: 'Quota exceeded' }],
});

describe('backoff', () => {
  it('grows exponentially within [ceiling/2, ceiling] and is capped', () => {
    for (let tries = 1; tries <= 8; tries++) {
      const ceiling = Math.min(1_000, 100 * 2 ** (tries - 1));
      for (let i = 0; i < 50; i++) {
        const w = backoffMs(tries, {}, policy);
        expect(w).toBeGreaterThanOrEqual(ceiling / 2);
        expect(w).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('jitters: retries that fail together do not all wait the same', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoffMs(3, {}, policy)));
    expect(waits.size).toBeGreaterThan(1);
  });

  it('honours a quota wait longer than the backoff, never waiting less', () => {
    expect(backoffMs(1, { code: 'QUOTA', retryAfterMs: 300_000 }, policy, () => 0)).toBe(300_000);
    expect(backoffMs(1, { code: 'QUOTA', retryAfterMs: 300_000 }, policy)).toBeGreaterThanOrEqual(300_000);
  });

  it('spreads 50 simultaneous quota failures over [wait, 1.5 × wait]', () => {
    const random = prng(42); // seeded: the same draws on every run
    const waits = Array.from({ length: 50 }, () => {
      const err = classify(quotaError(), { what: 'step s partition p', stage: 'insert', jobId: 'j' });
      expect(err).toMatchObject({ code: 'QUOTA', retryable: true });
      const retryAfterMs = err.details?.retryAfterMs as number;
      expect(retryAfterMs).toBe(300_000);
      return backoffMs(1, { code: err.code, retryAfterMs }, RETRY_POLICIES, random);
    });
    for (const w of waits) {
      expect(w).toBeGreaterThanOrEqual(300_000);
      expect(w).toBeLessThanOrEqual(450_000);
    }
    // Not one instant: nearly all distinct, spanning most of the interval, every fifth of it used.
    expect(new Set(waits).size).toBeGreaterThanOrEqual(48);
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThan(0.8 * 150_000);
    const fifths = new Set(waits.map((w) => Math.min(4, Math.floor((w - 300_000) / 30_000))));
    expect(fifths.size).toBe(5);
  });

  it('keeps the spread at the cap and for rate limits, and the extremes are exact', () => {
    const q = RETRY_POLICIES.quota;
    const capped = (r: number) => backoffMs(20, { code: 'QUOTA' }, RETRY_POLICIES, () => r);
    expect(capped(0)).toBe(q.maxMs);
    expect(capped(0.999999)).toBe(Math.round(q.maxMs * (1 + 0.999999 * 0.5)));
    const rate = (tries: number, r: number) =>
      backoffMs(tries, { code: 'RATE_LIMIT', retryAfterMs: 1_000 }, RETRY_POLICIES, () => r);
    expect([rate(1, 0), rate(1, 0.5), rate(2, 0), rate(2, 0.5)]).toEqual([1_000, 1_250, 2_000, 2_500]);
  });

  it('sleep is cut short by an abort and says so', async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    expect(await p).toBe(false);
    expect(await sleep(1)).toBe(true);
  });
});
