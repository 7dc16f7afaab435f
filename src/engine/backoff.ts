// Retry waits as data: one small policy per class of error (in the spirit of Temporal's RetryPolicy), and the
// function that turns a policy, a failure count and a random draw into a wait. Owns no timers; the runner sleeps.

/** One class of error's waits. */
export interface BackoffPolicy {
  /** Wait after the first failure. A backend's retryAfterMs (a quota wait, say) replaces it. */
  initialMs: number;
  /** Each further failure multiplies the wait by this. */
  coefficient: number;
  /** Cap on the grown wait, applied before jitter; never below the backend's retryAfterMs. */
  maxMs: number;
  /** The wait is drawn uniformly from [low × w, high × w], w the grown and capped wait. */
  jitter: readonly [low: number, high: number];
}

export type RetryClass = 'default' | 'rateLimit' | 'quota';
export type BackoffPolicies = Record<RetryClass, BackoffPolicy>;

/**
 * `default`: 500 ms doubling to 60 s, drawn from [w/2, w] (PHASED_BACKOFF_BASE_MS / _MAX_MS change the two).
 * `rateLimit` and `quota`: the backend's wait (BigQuery: 1 s, 5 min), drawn from [w, 1.5 × w] so that units
 * which failed together do not retry together, yet none retries before the backend asked.
 */
export const RETRY_POLICIES: BackoffPolicies = {
  default: {
    initialMs: Number(process.env.PHASED_BACKOFF_BASE_MS ?? 500),
    coefficient: 2,
    maxMs: Number(process.env.PHASED_BACKOFF_MAX_MS ?? 60_000),
    jitter: [0.5, 1],
  },
  rateLimit: { initialMs: 1_000, coefficient: 2, maxMs: 60_000, jitter: [1, 1.5] },
  quota: { initialMs: 300_000, coefficient: 1.5, maxMs: 30 * 60_000, jitter: [1, 1.5] },
};

/** The policy class of an error code (UnitError codes: RATE_LIMIT, QUOTA, anything else). */
export function retryClass(code: string | undefined): RetryClass {
  if (code === 'QUOTA') return 'quota';
  if (code === 'RATE_LIMIT') return 'rateLimit';
  return 'default';
}

export interface FailureHint {
  /** The error's code, which picks the policy class. */
  code?: string;
  /** The backend's own wait for this error, replacing the class's initialMs. */
  retryAfterMs?: number;
}

/**
 * Wait before attempt `tries + 1`, given `tries` failed attempts so far:
 * w = min(cap, first × coefficient^(tries−1)) with first = retryAfterMs ?? initialMs and
 * cap = max(maxMs, retryAfterMs); the result is drawn uniformly from [low × w, high × w] using `random`
 * (a function returning [0, 1), injectable for tests), rounded to the millisecond.
 */
export function backoffMs(
  tries: number,
  failure: FailureHint = {},
  policies: BackoffPolicies = RETRY_POLICIES,
  random: () => number = Math.random,
): number {
  const p = policies[retryClass(failure.code)];
  const first = failure.retryAfterMs ?? p.initialMs;
  const cap = Math.max(p.maxMs, failure.retryAfterMs ?? 0);
  const w = Math.min(cap, first * p.coefficient ** Math.max(0, tries - 1));
  const [low, high] = p.jitter;
  return Math.round(w * (low + random() * (high - low)));
}

/** Sleep that an AbortSignal cuts short (resolves false when aborted). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
