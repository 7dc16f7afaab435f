// Retry waits as data: one small policy per class of error (in the spirit of Temporal's RetryPolicy), and the
// pure function that turns a policy, a failure count and a random draw into a wait. The draw comes from the
// caller (the shell draws it), so the same inputs always give the same wait; timers are the shell's too.

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
export type BackoffPolicies = Readonly<Record<RetryClass, BackoffPolicy>>;

/**
 * `default`: 500 ms doubling to 60 s, drawn from [w/2, w] (the shell may change its first wait and cap:
 * PHASED_BACKOFF_BASE_MS / _MAX_MS). `rateLimit` and `quota`: the backend's wait (BigQuery: 1 s, 5 min), drawn
 * from [w, 1.5 × w] so that units which failed together do not retry together, yet none retries before the
 * backend asked.
 */
export const RETRY_POLICIES: BackoffPolicies = {
  default: { initialMs: 500, coefficient: 2, maxMs: 60_000, jitter: [0.5, 1] },
  rateLimit: { initialMs: 1_000, coefficient: 2, maxMs: 60_000, jitter: [1, 1.5] },
  quota: { initialMs: 300_000, coefficient: 1.5, maxMs: 30 * 60_000, jitter: [1, 1.5] },
};

/** The policies with the default class's first wait and cap replaced (each only when given). */
export function withDefaultWaits(
  policies: BackoffPolicies,
  change: { initialMs?: number; maxMs?: number },
): BackoffPolicies {
  const d = policies.default;
  return {
    ...policies,
    default: { ...d, initialMs: change.initialMs ?? d.initialMs, maxMs: change.maxMs ?? d.maxMs },
  };
}

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
 * cap = max(maxMs, retryAfterMs); the result is low × w + draw × (high − low) × w for a `draw` in [0, 1),
 * rounded to the millisecond.
 */
export function retryDelayMs(
  tries: number,
  failure: FailureHint,
  policies: BackoffPolicies,
  draw: number,
): number {
  const p = policies[retryClass(failure.code)];
  const first = failure.retryAfterMs ?? p.initialMs;
  const cap = Math.max(p.maxMs, failure.retryAfterMs ?? 0);
  const w = Math.min(cap, first * p.coefficient ** Math.max(0, tries - 1));
  const [low, high] = p.jitter;
  return Math.round(w * (low + draw * (high - low)));
}
