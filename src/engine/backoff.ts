// The retry waits' shell: the policies (data, in machines/retry-policy.ts) with the environment's default wait
// applied, a random draw for the jitter, and the sleep an abort cuts short. The wait itself is decided in
// machines/.

import {
  type BackoffPolicies,
  type FailureHint,
  RETRY_POLICIES,
  retryDelayMs,
  withDefaultWaits,
} from '../../machines/index.js';

/** The policies this process retries by: PHASED_BACKOFF_BASE_MS / _MAX_MS change the default class's waits. */
export function policiesFromEnv(env: Record<string, string | undefined> = process.env): BackoffPolicies {
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return withDefaultWaits(RETRY_POLICIES, {
    initialMs: num(env.PHASED_BACKOFF_BASE_MS),
    maxMs: num(env.PHASED_BACKOFF_MAX_MS),
  });
}

/** Read once, as the policies were before they became data. */
export const PROCESS_RETRY_POLICIES: BackoffPolicies = policiesFromEnv();

/**
 * Wait before attempt `tries + 1` (see retryDelayMs), drawing the jitter from `random` (a function returning
 * [0, 1), injectable for tests).
 */
export function backoffMs(
  tries: number,
  failure: FailureHint = {},
  policies: BackoffPolicies = PROCESS_RETRY_POLICIES,
  random: () => number = Math.random,
): number {
  return retryDelayMs(tries, failure, policies, random());
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
