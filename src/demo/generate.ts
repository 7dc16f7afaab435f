// The demo warehouse generator: builds the five seasons in memory from one seed, then writes the raw tables.
// Owns the game-by-game simulation and the broken scenario; schema and byte-stable writing live in write.ts.

import { existsSync } from 'node:fs';
import { PhasedError } from '../../machines/index.js';
import { breakTie, type PlayerLine, STAT_KEYS, type Stats, sumLines, teamLines } from './boxscores.js';
import { buildCalendar, type GameDay, isBootstrap, NBA_CALENDAR, seasonFirstDays } from './calendar.js';
import { InjuryTracker } from './injuries.js';
import { gameLines, pointsLine } from './odds.js';
import { Rng } from './prng.js';
import { makeSchedule } from './schedule.js';
import { makePlayers, makeTeams, type Player } from './teams.js';
import { type Cell, RAW_TABLES, type RawKey, type RawRows, writeRaw } from './write.js';

export type Scenario = 'healthy' | 'broken';

export interface GenerateOptions {
  scenario: Scenario;
  seed?: number;
  range?: { start: string; end: string };
}

export interface GenerateResult {
  file: string;
  scenario: Scenario;
  seed: number;
  range: { start: string; end: string };
  gameDates: number;
  games: number;
  rows: Record<string, number>;
  /** Dates whose team box scores the broken scenario removed (empty when healthy). */
  removedTeamBoxDates: string[];
  ms: number;
}

export const DEFAULT_SEED = 20211019;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function stats(s: Stats): number[] {
  return STAT_KEYS.map((k) => s[k]);
}

/** Simulate every game of the calendar; rows come out in date, game and roster order. */
function simulate(seed: number): { calendar: GameDay[]; rows: RawRows } {
  const calendar = buildCalendar();
  const teams = makeTeams(new Rng(seed, 1));
  const players = makePlayers(teams, new Rng(seed, 2));
  const games = makeSchedule(calendar, teams, new Rng(seed, 3));
  const rng = new Rng(seed, 4);
  const injuries = new InjuryTracker(new Rng(seed, 5));
  const rosters = new Map(teams.map((t) => [t.abbr, players.filter((p) => p.team === t.abbr)]));
  const teamBy = new Map(teams.map((t) => [t.abbr, t]));
  const form = new Map(players.map((p) => [p.playerId, p.minutesWeight * p.shotRate * 1.15 + 1]));
  const rows = Object.fromEntries(Object.keys(RAW_TABLES).map((k) => [k, []])) as unknown as RawRows;

  rows.teams = teams.map((t) => [t.abbr, t.teamId, t.city, t.name, t.conference, t.division]);
  rows.players = players.map((p) => [p.playerId, p.name, p.team, p.position, (p.playerId % 97) % 46]);
  for (const g of games) {
    rows.schedule.push([g.gameId, g.date, g.season, g.seasonType, g.home, g.away, g.overtimePeriods]);
    for (const l of gameLines(teamBy.get(g.home)!, teamBy.get(g.away)!, rng)) {
      rows.gameLines.push([
        g.gameId,
        g.date,
        l.bookmaker,
        g.home,
        g.away,
        l.spread,
        l.total,
        l.homeMoneyline,
        l.awayMoneyline,
      ]);
    }
    const sides: { team: string; opp: string; lines: PlayerLine[] }[] = [];
    for (const [team, opp] of [
      [g.home, g.away],
      [g.away, g.home],
    ] as const) {
      const roster = rosters.get(team)!;
      const report = injuries.report(roster);
      const out = new Set(report.filter((e) => e.status === 'out').map((e) => e.player.playerId));
      for (const e of report)
        rows.injuries.push([g.date, g.gameId, team, e.player.playerId, e.status, e.reason]);
      const rotation = roster.filter((p: Player) => !out.has(p.playerId)).slice(0, 8);
      for (const p of rotation) {
        const pl = pointsLine(form.get(p.playerId)!, rng);
        rows.pointsLines.push([
          g.gameId,
          g.date,
          pl.bookmaker,
          p.playerId,
          pl.line,
          pl.overPrice,
          pl.underPrice,
        ]);
      }
      sides.push({ team, opp, lines: teamLines(roster, out, g.overtimePeriods, rng) });
    }
    breakTie(sides[0].lines, sides[1].lines, rng);
    for (const [i, side] of sides.entries()) {
      for (const l of side.lines) {
        const p = l.player;
        const row: Cell[] = [
          g.gameId,
          g.date,
          g.season,
          side.team,
          side.opp,
          p.playerId,
          p.name,
          l.starter ? 1 : 0,
          l.dnpReason,
        ];
        rows.playerStats.push(row.concat(stats(l.stats)));
        if (l.stats.minutes > 0) form.set(p.playerId, 0.8 * form.get(p.playerId)! + 0.2 * l.stats.points);
      }
      rows.teamBox.push([
        g.gameId,
        g.date,
        g.season,
        side.team,
        side.opp,
        i === 0 ? 1 : 0,
        ...stats(sumLines(side.lines)),
      ]);
    }
  }
  return { calendar, rows };
}

/** Dates (inside the range, outside the bootstrap window) whose team box scores the broken scenario drops. */
function brokenDates(days: readonly GameDay[], seed: number): string[] {
  const firsts = seasonFirstDays();
  const eligible = days.filter((d) => !isBootstrap(d, firsts.get(d.season)!)).map((d) => d.date);
  const count = Math.round((eligible.length * 80) / NBA_CALENDAR.expectedDates);
  const stretch = Math.floor((count * 3) / 8);
  const from = Math.floor(eligible.length * 0.55);
  const chosen = new Set(eligible.slice(from, from + stretch));
  const rest = new Rng(seed, 6).shuffle(eligible.filter((d) => !chosen.has(d)));
  for (const d of rest.slice(0, count - chosen.size)) chosen.add(d);
  return [...chosen].sort();
}

const DATE_COLUMN: Partial<Record<RawKey, number>> = {
  schedule: 1,
  playerStats: 1,
  teamBox: 1,
  gameLines: 1,
  pointsLines: 1,
  injuries: 0,
};

/** Generate the raw NBA warehouse into a new SQLite file. Same options, same bytes. */
export function generateWarehouse(file: string, opts: GenerateOptions): GenerateResult {
  const started = performance.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const range = opts.range ?? { start: NBA_CALENDAR.start, end: NBA_CALENDAR.end };
  if (!DATE.test(range.start) || !DATE.test(range.end) || range.start > range.end) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `demo range ${range.start} … ${range.end} is not two ordered YYYY-MM-DD dates`,
    );
  }
  if (opts.scenario !== 'healthy' && opts.scenario !== 'broken') {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `demo scenario '${String(opts.scenario)}' is unknown: use healthy or broken`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0) {
    throw new PhasedError('BAD_ARGUMENT', `demo seed ${seed} must be a non-negative integer`);
  }
  if (existsSync(file)) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `${file} already exists: the generator writes a new warehouse; remove it or choose another path`,
    );
  }
  const { calendar, rows } = simulate(seed);
  const inRange = (d: string) => d >= range.start && d <= range.end;
  const days = calendar.filter((d) => inRange(d.date));
  const removed = opts.scenario === 'broken' ? brokenDates(days, seed) : [];
  const removedSet = new Set(removed);
  for (const [key, col] of Object.entries(DATE_COLUMN) as [RawKey, number][]) {
    rows[key] = rows[key].filter(
      (r) => inRange(r[col] as string) && !(key === 'teamBox' && removedSet.has(r[col] as string)),
    );
  }
  writeRaw(file, rows);
  return {
    file,
    scenario: opts.scenario,
    seed,
    range,
    gameDates: days.length,
    games: rows.schedule.length,
    rows: Object.fromEntries(
      (Object.keys(RAW_TABLES) as RawKey[]).map((k) => [RAW_TABLES[k].name, rows[k].length]),
    ),
    removedTeamBoxDates: removed,
    ms: Math.round(performance.now() - started),
  };
}
