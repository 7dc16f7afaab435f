// The NBA game-date calendar of the demo: seasons 2021-22 … 2025-26 with NBA.md's game-date counts.
// Owns dates only (which days have games, of which season type); which teams play lives in schedule.ts.

import { PhasedError } from '../../machines/index.js';

export type SeasonType = 'regular' | 'playoffs';

export interface GameDay {
  date: string;
  season: string;
  seasonType: SeasonType;
  /** 0-based index of this game date within its season. */
  index: number;
}

interface SeasonSpec {
  season: string;
  first: string;
  /** Last regular-season day. */
  regularEnd: string;
  /** The All-Star Sunday; regular games stop Friday before it and resume the Thursday after. */
  allStar?: string;
  playoffs?: { start: string; end: string };
  /** Last day written for a season still in progress. */
  until?: string;
  gameDates: number;
}

const SEASONS: readonly SeasonSpec[] = [
  {
    season: '2021-22',
    first: '2021-10-19',
    regularEnd: '2022-04-10',
    allStar: '2022-02-20',
    playoffs: { start: '2022-04-16', end: '2022-06-16' },
    gameDates: 213,
  },
  {
    season: '2022-23',
    first: '2022-10-18',
    regularEnd: '2023-04-09',
    allStar: '2023-02-19',
    playoffs: { start: '2023-04-15', end: '2023-06-12' },
    gameDates: 212,
  },
  {
    season: '2023-24',
    first: '2023-10-24',
    regularEnd: '2024-04-14',
    allStar: '2024-02-18',
    playoffs: { start: '2024-04-20', end: '2024-06-17' },
    gameDates: 207,
  },
  {
    season: '2024-25',
    first: '2024-10-22',
    regularEnd: '2025-04-13',
    allStar: '2025-02-16',
    playoffs: { start: '2025-04-19', end: '2025-06-22' },
    gameDates: 213,
  },
  { season: '2025-26', first: '2025-10-21', regularEnd: '2026-04-12', until: '2026-01-03', gameDates: 73 },
];

/** Calendar facts the tests and the README rely on. */
export const NBA_CALENDAR = {
  start: '2021-10-19',
  end: '2026-01-03',
  seasons: SEASONS.map((s) => ({ season: s.season, first: s.first, gameDates: s.gameDates })),
  totalGameDates: 918,
  bootstrapDaysPerSeason: 14,
  bootstrapDates: 70,
  expectedDates: 848,
} as const;

const DAY_MS = 86_400_000;

export function toDay(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function fromDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return fromDay(toDay(date) + n);
}

/** The fourth Thursday of November of the season's first year. */
function thanksgiving(year: number): string {
  const nov1 = toDay(`${year}-11-01`);
  const weekday = new Date(nov1 * DAY_MS).getUTCDay();
  return fromDay(nov1 + ((4 - weekday + 7) % 7) + 21);
}

function seasonDays(spec: SeasonSpec): GameDay[] {
  const year = Number(spec.first.slice(0, 4));
  const off = new Set([thanksgiving(year), `${year}-12-24`]);
  if (spec.allStar) for (let d = -2; d <= 3; d++) off.add(addDays(spec.allStar, d));
  const last = spec.until ?? spec.regularEnd;
  const dates: { date: string; type: SeasonType }[] = [];
  for (let d = toDay(spec.first); d <= toDay(last); d++) {
    const date = fromDay(d);
    if (!off.has(date)) dates.push({ date, type: 'regular' });
  }
  if (spec.playoffs) {
    // Playoff game dates spread evenly over the playoff window (off days between them).
    const need = spec.gameDates - dates.length;
    const from = toDay(spec.playoffs.start);
    const span = toDay(spec.playoffs.end) - from + 1;
    for (let i = 0; i < need; i++) {
      dates.push({ date: fromDay(from + Math.floor((i * span) / need)), type: 'playoffs' });
    }
  }
  if (dates.length !== spec.gameDates) {
    throw new PhasedError(
      'INTERNAL',
      `demo calendar for ${spec.season} has ${dates.length} game dates, expected ${spec.gameDates}: fix SEASONS in calendar.ts`,
    );
  }
  return dates.map((d, index) => ({ date: d.date, season: spec.season, seasonType: d.type, index }));
}

/** Every game date of the five seasons, in order. */
export function buildCalendar(): GameDay[] {
  return SEASONS.flatMap(seasonDays);
}

/** The season's first 14 calendar days: rolling features have no history yet. */
export function isBootstrap(day: GameDay, firstOfSeason: string): boolean {
  return toDay(day.date) - toDay(firstOfSeason) < NBA_CALENDAR.bootstrapDaysPerSeason;
}

export function seasonFirstDays(): Map<string, string> {
  return new Map(SEASONS.map((s) => [s.season, s.first]));
}
