// Retry waits: exponential growth with jitter, capped, and never shorter than a backend's retryAfterMs.
import { describe, expect, it } from 'vitest';
import { backoffMs, sleep } from '../../../src/engine/index.js';

const policy = { baseMs: 100, maxMs: 1_000 };

describe('backoff', () => {
  it('grows exponentially within [ceiling/2, ceiling] and is capped', () => {
    for (let tries = 1; tries <= 8; tries++) {
      const ceiling = Math.min(1_000, 100 * 2 ** (tries - 1));
      for (let i = 0; i < 50; i++) {
        const w = backoffMs(tries, undefined, policy);
        expect(w).toBeGreaterThanOrEqual(ceiling / 2);
        expect(w).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('jitters: retries that fail together do not all wait the same', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoffMs(3, undefined, policy)));
    expect(waits.size).toBeGreaterThan(1);
  });

  it('honours a quota wait longer than the backoff', () => {
    expect(backoffMs(1, 300_000, policy)).toBe(300_000);
  });

  it('sleep is cut short by an abort and says so', async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    expect(await p).toBe(false);
    expect(await sleep(1)).toBe(true);
  });
});
