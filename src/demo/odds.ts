// Betting lines published before each game: spread and total per bookmaker, player points lines from form.
// Owns the pricing only; the form each line is built from is tracked by the generator across games.

import type { Rng } from './prng.js';
import type { Team } from './teams.js';

export const BOOKMAKERS = ['draftkings', 'fanduel'] as const;

export interface GameLine {
  bookmaker: string;
  spread: number;
  total: number;
  homeMoneyline: number;
  awayMoneyline: number;
}

function half(x: number): number {
  return Math.round(x * 2) / 2;
}

function moneyline(spread: number): [number, number] {
  const fav = -Math.round(110 + Math.abs(spread) * 28);
  const dog = Math.round(100 + Math.abs(spread) * 24);
  return spread <= 0 ? [fav, dog] : [dog, fav];
}

/** Home spread (negative = home favoured) and game total, per bookmaker. */
export function gameLines(home: Team, away: Team, rng: Rng): GameLine[] {
  const base = -(home.strength - away.strength) * 9 - 2.5 + rng.normal();
  const total = 224 + 5 * rng.normal();
  return BOOKMAKERS.map((bookmaker) => {
    const spread = half(base + (rng.next() - 0.5));
    const [homeMoneyline, awayMoneyline] = moneyline(spread);
    return { bookmaker, spread, total: half(total + (rng.next() - 0.5)), homeMoneyline, awayMoneyline };
  });
}

export interface PointsLine {
  bookmaker: string;
  line: number;
  overPrice: number;
  underPrice: number;
}

/** A points line around the player's recent scoring form. */
export function pointsLine(form: number, rng: Rng): PointsLine {
  const line = Math.max(3.5, Math.floor(form + 0.8 * rng.normal()) + 0.5);
  const skew = rng.int(-8, 8);
  return { bookmaker: BOOKMAKERS[0], line, overPrice: -110 + skew, underPrice: -110 - skew };
}
