// Player and team box scores for one game: minutes that sum to 240 (+25 per overtime), makes within attempts,
// points = 2·FGM + 3PM + FTM, and team rows that are exactly the sums of their players' rows.

import type { Rng } from './prng.js';
import type { Player } from './teams.js';

export const STAT_KEYS = [
  'minutes',
  'points',
  'fga',
  'fgm',
  'fg3a',
  'fg3m',
  'fta',
  'ftm',
  'paint_attempts',
  'paint_makes',
  'mid_range_attempts',
  'mid_range_makes',
  'turnovers',
  'rebounds',
  'assists',
] as const;

export type StatKey = (typeof STAT_KEYS)[number];
export type Stats = Record<StatKey, number>;

export interface PlayerLine {
  player: Player;
  starter: boolean;
  dnpReason: string | null;
  stats: Stats;
}

function zero(): Stats {
  return {
    minutes: 0,
    points: 0,
    fga: 0,
    fgm: 0,
    fg3a: 0,
    fg3m: 0,
    fta: 0,
    ftm: 0,
    paint_attempts: 0,
    paint_makes: 0,
    mid_range_attempts: 0,
    mid_range_makes: 0,
    turnovers: 0,
    rebounds: 0,
    assists: 0,
  };
}

/** Split the team's minutes over its ten healthiest rotation players, summing exactly to `total`. */
function allocateMinutes(available: readonly Player[], total: number, rng: Rng): Map<number, number> {
  const rotation = available.slice(0, 10);
  const weights = rotation.map((p) => p.minutesWeight * (0.85 + 0.3 * rng.next()));
  const sum = weights.reduce((a, b) => a + b, 0);
  const minutes = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - minutes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % minutes.length, left--) minutes[i]++;
  return new Map(rotation.map((p, i) => [p.playerId, minutes[i]]));
}

function playerStats(p: Player, minutes: number, rng: Rng): Stats {
  const s = zero();
  s.minutes = minutes;
  if (minutes === 0) return s;
  s.fga = rng.binomial(minutes, p.shotRate);
  s.fg3a = rng.binomial(s.fga, p.threeShare);
  s.paint_attempts = rng.binomial(s.fga - s.fg3a, p.paintShare);
  s.mid_range_attempts = s.fga - s.fg3a - s.paint_attempts;
  s.paint_makes = rng.binomial(s.paint_attempts, 0.58 * p.skill);
  s.mid_range_makes = rng.binomial(s.mid_range_attempts, 0.42 * p.skill);
  s.fg3m = rng.binomial(s.fg3a, 0.36 * p.skill);
  s.fgm = s.paint_makes + s.mid_range_makes + s.fg3m;
  s.fta = rng.binomial(minutes, p.freeThrowRate);
  s.ftm = rng.binomial(s.fta, p.freeThrowPct);
  s.turnovers = rng.binomial(minutes, p.turnoverRate);
  s.rebounds = rng.binomial(minutes, p.reboundRate);
  s.assists = rng.binomial(minutes, p.assistRate);
  s.points = 2 * s.fgm + s.fg3m + s.ftm;
  return s;
}

/** One team's lines for a game; `out` players get no minutes (DNP, injury). */
export function teamLines(
  roster: readonly Player[],
  out: ReadonlySet<number>,
  overtime: number,
  rng: Rng,
): PlayerLine[] {
  const available = roster.filter((p) => !out.has(p.playerId));
  const minutes = allocateMinutes(available, 240 + 25 * overtime, rng);
  const starters = new Set(available.slice(0, 5).map((p) => p.playerId));
  return roster.map((player) => {
    const m = minutes.get(player.playerId) ?? 0;
    const dnpReason = out.has(player.playerId) ? 'Injury/Illness' : m === 0 ? "Coach's decision" : null;
    return { player, starter: starters.has(player.playerId), dnpReason, stats: playerStats(player, m, rng) };
  });
}

export function sumLines(lines: readonly PlayerLine[]): Stats {
  const total = zero();
  for (const line of lines) for (const k of STAT_KEYS) total[k] += line.stats[k];
  return total;
}

/** Basketball has no ties: the leading scorer of a random side hits one more free throw. */
export function breakTie(home: PlayerLine[], away: PlayerLine[], rng: Rng): void {
  if (sumLines(home).points !== sumLines(away).points) return;
  const side = rng.chance(0.5) ? home : away;
  const best = side.reduce((a, b) => (b.stats.points > a.stats.points ? b : a));
  best.stats.fta++;
  best.stats.ftm++;
  best.stats.points++;
}
