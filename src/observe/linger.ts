// Why a process that has said it is done has not exited yet: one line, after a second of waiting on work it
// cannot cut short (a SQLite statement still running when a driver detached). Owns the wording and the delay
// (PHASED_LINGER_MS; tests shorten it), not the waiting itself.

/** How long the wait goes unremarked (ms). */
export const LINGER_MS = Number(process.env.PHASED_LINGER_MS ?? 1000);

/** What the process waits for. */
export const LINGER_TEXT =
  'waiting for warehouse work still running to end (a SQLite statement cannot be stopped midway; nothing it computes is written)';

/** Awaits `work`; if that takes longer than `ms`, `say` is called once, meanwhile. */
export async function sayWhileWaiting<T>(work: Promise<T>, say: () => void, ms = LINGER_MS): Promise<T> {
  const timer = setTimeout(say, ms);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}
