// The timeline's axis: stretches nothing covers (no attempt running, no marker) that are long enough are found,
// and each is drawn as a fixed narrow break while the rest of the run keeps one linear scale.
import { describe, expect, it } from 'vitest';
import { BREAK_W, idleStretches, timeAxis } from '../../../../src/console/web/time-axis.js';

const S = 1000;

describe('idle stretches', () => {
  it('finds what no attempt or marker covers, long enough to matter, including at the end', () => {
    const active = [
      { from: 0, to: 10 * S },
      { from: 5 * S, to: 20 * S }, // overlaps the first: no gap between them
      { from: 24 * S, to: 30 * S }, // 4 s after: too short to cut
      { from: 600 * S, to: 600 * S }, // a marker (driver attached)
      { from: 600 * S, to: 660 * S },
    ];
    expect(idleStretches(0, 660 * S, active)).toEqual([{ from: 30 * S, to: 600 * S }]);
    // Nothing after the last attempt until now, on a run nobody drives.
    expect(idleStretches(0, 2000 * S, active)).toEqual([
      { from: 30 * S, to: 600 * S },
      { from: 660 * S, to: 2000 * S },
    ]);
  });

  it('cuts nothing shorter than a tenth of the run, however long', () => {
    const active = [
      { from: 0, to: 3600 * S },
      { from: 3900 * S, to: 7200 * S },
    ];
    // 300 s idle in a two-hour run: 4 % of it, shown as it is.
    expect(idleStretches(0, 7200 * S, active)).toEqual([]);
  });

  it('keeps a long attempt as activity: a slow unit is not idle time', () => {
    expect(idleStretches(0, 900 * S, [{ from: 0, to: 900 * S }])).toEqual([]);
  });
});

describe('time axis', () => {
  const gap = { from: 30 * S, to: 600 * S };
  const axis = timeAxis(0, 660 * S, 900, [gap]);

  it('draws a cut stretch as a break of fixed width and the rest on one scale', () => {
    expect(axis.breaks).toHaveLength(1);
    const b = axis.breaks[0];
    expect(axis.x(0)).toBe(0);
    expect(axis.x(660 * S)).toBeCloseTo(900, 6);
    expect(axis.x(gap.from)).toBeCloseTo(b.x, 6);
    expect(axis.x(gap.to)).toBeCloseTo(b.x + BREAK_W, 6);
    // 30 s before the break and 60 s after it share one px-per-second.
    const before = axis.x(gap.from) - axis.x(0);
    const after = axis.x(660 * S) - axis.x(gap.to);
    expect(before / after).toBeCloseTo(30 / 60, 6);
    expect(before + after).toBeCloseTo(900 - BREAK_W, 6);
  });

  it('maps x back to the time it shows, and any x in a break to the break’s start', () => {
    for (const t of [0, 12 * S, 30 * S, 600 * S, 631 * S, 660 * S])
      expect(axis.t(axis.x(t))).toBeCloseTo(t, 3);
    expect(axis.t(axis.breaks[0].x + BREAK_W / 2)).toBe(gap.from);
  });

  it('is linear without cuts, and makes none where the plot is too narrow for them', () => {
    const linear = timeAxis(0, 100 * S, 500, []);
    expect(linear.x(25 * S)).toBeCloseTo(125, 6);
    const narrow = timeAxis(0, 660 * S, 50, [gap]);
    expect(narrow.breaks).toEqual([]);
    expect(narrow.x(330 * S)).toBeCloseTo(25, 6);
  });
});
