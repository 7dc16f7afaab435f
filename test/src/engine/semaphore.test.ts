// The global cap: never more holders than its size, and waiters are served in order.
import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../src/engine/index.js';

describe('Semaphore', () => {
  it('bounds concurrent holders and serves waiters first-in first-out', async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        await sem.acquire();
        order.push(i);
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setImmediate(r));
        active--;
        sem.release();
      }),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sem.inUse).toBe(0);
  });
});
