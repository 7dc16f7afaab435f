// The pre-game injury report: injury spells that keep players out for several games, plus day-to-day tags.
// Owns who is out or questionable before each game; box scores read it to give injured players no minutes.

import type { Rng } from './prng.js';
import type { Player } from './teams.js';

export type InjuryStatus = 'out' | 'questionable' | 'probable';

export interface InjuryEntry {
  player: Player;
  status: InjuryStatus;
  reason: string;
}

const REASONS = [
  'Left ankle sprain',
  'Right knee soreness',
  'Hamstring strain',
  'Back spasms',
  'Illness',
  'Concussion protocol',
  'Right foot contusion',
  'Rest',
];

/** Tracks spells per player across the whole schedule, one team-game at a time. */
export class InjuryTracker {
  private readonly remaining = new Map<number, { games: number; reason: string }>();

  constructor(private readonly rng: Rng) {}

  /** The report for one team before one of its games. */
  report(roster: readonly Player[]): InjuryEntry[] {
    const entries: InjuryEntry[] = [];
    for (const player of roster) {
      const spell = this.remaining.get(player.playerId);
      if (spell && spell.games > 0) {
        spell.games--;
        entries.push({ player, status: 'out', reason: spell.reason });
        continue;
      }
      const u = this.rng.next();
      if (u < 0.012) {
        const reason = this.rng.pick(REASONS);
        const games = this.rng.int(1, 10);
        this.remaining.set(player.playerId, { games: games - 1, reason });
        entries.push({ player, status: 'out', reason });
      } else if (u < 0.03) {
        entries.push({ player, status: 'questionable', reason: this.rng.pick(REASONS) });
      } else if (u < 0.045) {
        entries.push({ player, status: 'probable', reason: this.rng.pick(REASONS) });
      }
    }
    return entries;
  }
}
