// Which teams meet on each game date: a balanced regular season (82 games a team) and a four-round playoff.
// Owns matchups and overtime; the calendar of dates comes from calendar.ts, the numbers from boxscores.ts.

import type { GameDay } from './calendar.js';
import type { Rng } from './prng.js';
import type { Team } from './teams.js';

export interface Game {
  gameId: string;
  date: string;
  season: string;
  seasonType: GameDay['seasonType'];
  home: string;
  away: string;
  overtimePeriods: number;
}

/** Regular-season games per season: 82 per team over the 166 regular dates of a full season. */
const GAMES_PER_REGULAR_DATE = 1230 / 166;

function gamesPerDate(count: number, rng: Rng): number[] {
  const total = Math.round(count * GAMES_PER_REGULAR_DATE);
  const games = Array.from({ length: count }, () => rng.int(5, 10));
  let diff = total - games.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const i = rng.int(0, count - 1);
    if (diff > 0 && games[i] < 12) {
      games[i]++;
      diff--;
    } else if (diff < 0 && games[i] > 5) {
      games[i]--;
      diff++;
    }
  }
  return games;
}

function overtime(rng: Rng): number {
  const u = rng.next();
  return u < 0.01 ? 2 : u < 0.065 ? 1 : 0;
}

function regularSeason(
  days: GameDay[],
  teams: readonly Team[],
  rng: Rng,
  push: (d: GameDay, h: string, a: string) => void,
) {
  const played = new Map(teams.map((t) => [t.abbr, 0]));
  const perDate = gamesPerDate(days.length, rng);
  days.forEach((day, i) => {
    const order = rng.shuffle(teams.map((t) => t.abbr)).sort((a, b) => played.get(a)! - played.get(b)!);
    const chosen = rng.shuffle(order.slice(0, perDate[i] * 2));
    for (let g = 0; g < chosen.length; g += 2) {
      push(day, chosen[g], chosen[g + 1]);
      played.set(chosen[g], played.get(chosen[g])! + 1);
      played.set(chosen[g + 1], played.get(chosen[g + 1])! + 1);
    }
  });
}

function playoffs(
  days: GameDay[],
  teams: readonly Team[],
  rng: Rng,
  push: (d: GameDay, h: string, a: string) => void,
) {
  const seeded = (conf: Team['conference']) =>
    teams
      .filter((t) => t.conference === conf)
      .map((t) => ({ t, score: t.strength + 0.25 * rng.normal() }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 8)
      .map((s) => s.t);
  const east = seeded('East');
  const west = seeded('West');
  const bracket = (seeds: Team[]): [Team, Team][] => [0, 3, 2, 1].map((i) => [seeds[i], seeds[7 - i]]);
  let series: [Team, Team][] = [...bracket(east), ...bracket(west)];
  const shares = [0.38, 0.27, 0.19];
  let offset = 0;
  for (let round = 0; round < 4; round++) {
    const len = round < 3 ? Math.round(days.length * shares[round]) : days.length - offset;
    const perDate = [4, 2, 1, 1][round];
    for (let j = 0; j < len; j++) {
      const day = days[offset + j];
      for (let k = 0; k < Math.min(perDate, series.length); k++) {
        const [hi, lo] = series[(j * perDate + k) % series.length];
        const highHome = j % 4 < 2 || j % 7 === 6;
        push(day, highHome ? hi.abbr : lo.abbr, highHome ? lo.abbr : hi.abbr);
      }
    }
    offset += len;
    const winners = series.map(([hi, lo]) =>
      rng.chance(0.5 + 0.35 * Math.tanh(hi.strength - lo.strength) + 0.1) ? hi : lo,
    );
    series = [];
    for (let s = 0; s + 1 < winners.length; s += 2) series.push([winners[s], winners[s + 1]]);
  }
}

/** Every game of the calendar, ordered by date then game id. */
export function makeSchedule(calendar: readonly GameDay[], teams: readonly Team[], rng: Rng): Game[] {
  const games: Game[] = [];
  const seq = new Map<string, number>();
  const push = (day: GameDay, home: string, away: string) => {
    const key = `${day.season}:${day.seasonType}`;
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    const prefix = day.seasonType === 'regular' ? '002' : '004';
    const gameId = `${prefix}${day.season.slice(2, 4)}${String(n).padStart(5, '0')}`;
    games.push({
      gameId,
      date: day.date,
      season: day.season,
      seasonType: day.seasonType,
      home,
      away,
      overtimePeriods: overtime(rng),
    });
  };
  const seasons = [...new Set(calendar.map((d) => d.season))];
  for (const season of seasons) {
    const days = calendar.filter((d) => d.season === season);
    regularSeason(
      days.filter((d) => d.seasonType === 'regular'),
      teams,
      rng,
      push,
    );
    const post = days.filter((d) => d.seasonType === 'playoffs');
    if (post.length > 0) playoffs(post, teams, rng, push);
  }
  return games;
}
