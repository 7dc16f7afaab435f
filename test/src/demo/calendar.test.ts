import { describe, expect, it } from 'vitest';
import { buildCalendar, NBA_CALENDAR } from '../../../src/demo/index.js';

const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

describe('the NBA calendar', () => {
  const calendar = buildCalendar();
  const inRange = calendar.filter((d) => d.date >= NBA_CALENDAR.start && d.date <= NBA_CALENDAR.end);

  it('has 918 distinct game dates in 2021-10-19 … 2026-01-03', () => {
    expect(new Set(inRange.map((d) => d.date)).size).toBe(918);
    expect(inRange[0].date).toBe('2021-10-19');
    expect(inRange.at(-1)!.date).toBe('2026-01-03');
  });

  it('has the per-season counts and first dates of NBA.md', () => {
    const counts = new Map<string, number>();
    const firsts = new Map<string, string>();
    for (const d of inRange) {
      counts.set(d.season, (counts.get(d.season) ?? 0) + 1);
      if (!firsts.has(d.season)) firsts.set(d.season, d.date);
    }
    expect([...counts.values()]).toEqual([213, 212, 207, 213, 73]);
    expect([...firsts.values()]).toEqual([
      '2021-10-19',
      '2022-10-18',
      '2023-10-24',
      '2024-10-22',
      '2025-10-21',
    ]);
  });

  it('has 70 bootstrap dates (first 14 calendar days of each season), leaving 848', () => {
    const firsts = new Map<string, string>();
    for (const d of inRange) if (!firsts.has(d.season)) firsts.set(d.season, d.date);
    const bootstrap = inRange.filter((d) => dayNumber(d.date) - dayNumber(firsts.get(d.season)!) < 14);
    expect(bootstrap).toHaveLength(70);
    expect(inRange.length - bootstrap.length).toBe(848);
  });

  it('leaves an All-Star gap in February, ends the regular season mid-April and playoffs mid-June', () => {
    for (const season of ['2021-22', '2022-23', '2023-24', '2024-25']) {
      const days = inRange.filter((d) => d.season === season);
      const feb = days.filter((d) => d.date.slice(5, 7) === '02' || d.date.slice(5, 7) === '03');
      const gaps = feb.slice(1).map((d, i) => dayNumber(d.date) - dayNumber(feb[i].date));
      expect(Math.max(...gaps), season).toBeGreaterThanOrEqual(5);
      const lastRegular = days.filter((d) => d.seasonType === 'regular').at(-1)!.date;
      expect(lastRegular.slice(5), season).toMatch(/^04-(0[7-9]|1[0-6])$/);
      expect(days.at(-1)!.date.slice(5), season).toMatch(/^06-(0[89]|1\d|2[0-5])$/);
    }
  });
});
