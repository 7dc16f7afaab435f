// toRun lists in the log: consecutive days compact to `first..last`, and counting or expanding gives back
// exactly the dates that went in (month, year and leap-day boundaries included).
import { describe, expect, it } from 'vitest';
import {
  compactPartitions,
  countPartitions,
  expandPartitions,
  isCalendarDate,
} from '../../machines/index.js';
import { prng } from '../support/cli.js';
import { dateList } from '../support/synthetic.js';

describe('toRun partition lists', () => {
  it('writes runs of three or more consecutive days as ranges, keeping order and short runs', () => {
    const dates = [
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
      '2024-03-05',
      '2024-03-06',
      '2024-03-09',
    ];
    expect(compactPartitions(dates)).toEqual([
      '2024-02-27..2024-03-01',
      '2024-03-05',
      '2024-03-06',
      '2024-03-09',
    ]);
    expect(compactPartitions(['2023-12-30', '2023-12-31', '2024-01-01'])).toEqual(['2023-12-30..2024-01-01']);
    // 2023 has no 29 February: the 28th and 1 March are consecutive.
    expect(compactPartitions(['2023-02-27', '2023-02-28', '2023-03-01'])).toEqual(['2023-02-27..2023-03-01']);
    expect(compactPartitions([])).toEqual([]);
  });

  it('round-trips any set of dates, and counts without expanding', () => {
    const rand = prng(7);
    const all = dateList(3000, '1999-11-20');
    for (let trial = 0; trial < 20; trial++) {
      const keep = all.filter(() => rand() < (trial % 2 === 0 ? 0.9 : 0.3));
      const compact = compactPartitions(keep);
      expect([...expandPartitions(compact)]).toEqual(keep);
      expect(countPartitions(compact)).toBe(keep.length);
      if (trial % 2 === 0) expect(compact.length).toBeLessThan(keep.length);
    }
    const daily = dateList(250_000, '2000-01-01');
    const one = compactPartitions(daily);
    expect(one).toEqual([`2000-01-01..${daily[daily.length - 1]}`]);
    expect(countPartitions(one)).toBe(250_000);
  });

  it('leaves values that are not dates, and malformed ranges, as single entries', () => {
    const odd = ['x', '2024-02-30', '2024-01-03..2024-01-01', '2024-01-01..2024-01-01', 'a..b'];
    expect(compactPartitions(odd)).toEqual(odd);
    expect(countPartitions(odd)).toBe(odd.length);
    expect([...expandPartitions(odd)]).toEqual(odd);
    // Logs written before ranges existed list every date: they read the same.
    expect(countPartitions(['2024-01-01', '2024-01-02', '2024-01-03'])).toBe(3);
  });

  it('tells real calendar dates from strings shaped like one', () => {
    expect(['2024-02-29', '2000-02-29', '1999-12-31'].map(isCalendarDate)).toEqual([true, true, true]);
    expect(
      ['2023-02-29', '1900-02-29', '2024-02-30', '2024-13-01', '2024-1-01', 'x'].map(isCalendarDate),
    ).toEqual([false, false, false, false, false, false]);
  });
});
