// A failure that repeats is told once, again when its message changes or once repeatMs has passed since it was
// told (saying how many tries it has been), and its end reports how many times it failed in a row.
import { describe, expect, it } from 'vitest';
import { Told } from '../../../src/daemon/told.js';

describe('told failures', () => {
  it('tells a repeated failure once per interval, a changed one at once, and counts until it clears', () => {
    let now = 0;
    const told = new Told(60_000, () => now);
    expect(told.isFailing('r1')).toBe(false);
    expect(told.failed('r1', 'disk full')).toBe('');
    for (let i = 0; i < 5; i++) {
      now += 1000;
      expect(told.failed('r1', 'disk full')).toBeUndefined();
    }
    // Other keys are their own.
    expect(told.failed('r2', 'disk full')).toBe('');
    now = 60_000;
    expect(told.failed('r1', 'disk full')).toBe('still, after 7 tries: ');
    now += 1000;
    expect(told.failed('r1', 'permission denied')).toBe('');
    expect(told.isFailing('r1')).toBe(true);
    expect(told.cleared('r1')).toBe(8);
    expect(told.isFailing('r1')).toBe(false);
    expect(told.cleared('r1')).toBe(0);
    expect(told.failed('r1', 'permission denied')).toBe('');
  });
});
