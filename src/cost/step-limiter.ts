// Per-step admission under the adaptive concurrency limit: a unit waits while its step has as many units in
// flight as the step's current limit allows. The limit itself is decided in machines/aimd.ts and logged.

export class StepLimiter {
  private readonly inUse = new Map<string, number>();
  private waiters: (() => void)[] = [];

  constructor(private readonly limitOf: (step: string) => number) {}

  async acquire(step: string): Promise<void> {
    while ((this.inUse.get(step) ?? 0) >= this.limitOf(step)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.inUse.set(step, (this.inUse.get(step) ?? 0) + 1);
  }

  release(step: string): void {
    this.inUse.set(step, Math.max(0, (this.inUse.get(step) ?? 0) - 1));
    this.wake();
  }

  /** Units of `step` in flight now. */
  running(step: string): number {
    return this.inUse.get(step) ?? 0;
  }

  /** Let waiters look again (a release, or a limit that grew). */
  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
