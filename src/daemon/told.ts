// What the daemon has told of failures that repeat (a look at the store every tick, a run retried every 30 s):
// each is told once, again only when its message changes or a while later, and its end once. Owns no timer and
// says nothing itself; the daemon asks it whether to speak.

interface Failing {
  message: string;
  saidAt: number;
  /** Failures in a row, the told ones included. */
  times: number;
}

export class Told {
  private readonly failing = new Map<string, Failing>();

  constructor(
    /** How long the same failure goes untold after it was told. */
    private readonly repeatMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `key` failed with `message`: the words to say before it (`` or `still, after N tries: `), or undefined to keep
   * quiet (the same failure, told less than repeatMs ago).
   */
  failed(key: string, message: string): string | undefined {
    const last = this.failing.get(key);
    const now = this.now();
    const times = (last?.times ?? 0) + 1;
    if (last?.message === message && now - last.saidAt < this.repeatMs) {
      last.times = times;
      return undefined;
    }
    this.failing.set(key, { message, saidAt: now, times });
    return last?.message === message ? `still, after ${times} tries: ` : '';
  }

  /** Whether `key`'s last attempt failed. */
  isFailing(key: string): boolean {
    return this.failing.has(key);
  }

  /** `key` worked: how many failures in a row it had (0 for none), now forgotten. */
  cleared(key: string): number {
    const times = this.failing.get(key)?.times ?? 0;
    this.failing.delete(key);
    return times;
  }
}
