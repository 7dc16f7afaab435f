// Retry waits: exponential backoff with full jitter, honouring a backend's retryAfterMs (quota waits).
// Owns no timers; the driver sleeps for what this returns.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: Number(process.env.PHASED_BACKOFF_BASE_MS ?? 500),
  maxMs: Number(process.env.PHASED_BACKOFF_MAX_MS ?? 60_000),
};

/** Wait before attempt `tries + 1`, given `tries` failed attempts so far. */
export function backoffMs(
  tries: number,
  retryAfterMs?: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, tries - 1));
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
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
