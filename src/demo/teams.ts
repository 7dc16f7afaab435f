// The 30 teams and their generated rosters (15 players each, with the skills box scores are drawn from).
// Owns identities and player tendencies; per-game numbers live in boxscores.ts.

import type { Rng } from './prng.js';

export interface Team {
  abbr: string;
  teamId: number;
  city: string;
  name: string;
  conference: 'East' | 'West';
  division: string;
  /** Relative strength, about -1 … 1: drives results, spreads and playoff seeding. */
  strength: number;
}

export interface Player {
  playerId: number;
  name: string;
  team: string;
  position: 'G' | 'F' | 'C';
  /** Rotation order: 0–4 start, 5–9 bench, 10–14 rarely play. */
  slot: number;
  minutesWeight: number;
  /** Field-goal attempts per minute played. */
  shotRate: number;
  threeShare: number;
  paintShare: number;
  skill: number;
  freeThrowRate: number;
  freeThrowPct: number;
  turnoverRate: number;
  reboundRate: number;
  assistRate: number;
}

const TEAM_ROWS: readonly [string, string, string, 'East' | 'West', string][] = [
  ['ATL', 'Atlanta', 'Hawks', 'East', 'Southeast'],
  ['BOS', 'Boston', 'Celtics', 'East', 'Atlantic'],
  ['BKN', 'Brooklyn', 'Nets', 'East', 'Atlantic'],
  ['CHA', 'Charlotte', 'Hornets', 'East', 'Southeast'],
  ['CHI', 'Chicago', 'Bulls', 'East', 'Central'],
  ['CLE', 'Cleveland', 'Cavaliers', 'East', 'Central'],
  ['DAL', 'Dallas', 'Mavericks', 'West', 'Southwest'],
  ['DEN', 'Denver', 'Nuggets', 'West', 'Northwest'],
  ['DET', 'Detroit', 'Pistons', 'East', 'Central'],
  ['GSW', 'Golden State', 'Warriors', 'West', 'Pacific'],
  ['HOU', 'Houston', 'Rockets', 'West', 'Southwest'],
  ['IND', 'Indiana', 'Pacers', 'East', 'Central'],
  ['LAC', 'LA', 'Clippers', 'West', 'Pacific'],
  ['LAL', 'Los Angeles', 'Lakers', 'West', 'Pacific'],
  ['MEM', 'Memphis', 'Grizzlies', 'West', 'Southwest'],
  ['MIA', 'Miami', 'Heat', 'East', 'Southeast'],
  ['MIL', 'Milwaukee', 'Bucks', 'East', 'Central'],
  ['MIN', 'Minnesota', 'Timberwolves', 'West', 'Northwest'],
  ['NOP', 'New Orleans', 'Pelicans', 'West', 'Southwest'],
  ['NYK', 'New York', 'Knicks', 'East', 'Atlantic'],
  ['OKC', 'Oklahoma City', 'Thunder', 'West', 'Northwest'],
  ['ORL', 'Orlando', 'Magic', 'East', 'Southeast'],
  ['PHI', 'Philadelphia', '76ers', 'East', 'Atlantic'],
  ['PHX', 'Phoenix', 'Suns', 'West', 'Pacific'],
  ['POR', 'Portland', 'Trail Blazers', 'West', 'Northwest'],
  ['SAC', 'Sacramento', 'Kings', 'West', 'Pacific'],
  ['SAS', 'San Antonio', 'Spurs', 'West', 'Southwest'],
  ['TOR', 'Toronto', 'Raptors', 'East', 'Atlantic'],
  ['UTA', 'Utah', 'Jazz', 'West', 'Northwest'],
  ['WAS', 'Washington', 'Wizards', 'East', 'Southeast'],
];

const FIRST = [
  'Aaron',
  'Andre',
  'Bam',
  'Caleb',
  'Cam',
  'Chris',
  'Darius',
  'DeAndre',
  'Derrick',
  'Devin',
  'Dillon',
  'Evan',
  'Franz',
  'Gary',
  'Isaiah',
  'Jalen',
  'Jaren',
  'Jamal',
  'Jordan',
  'Josh',
  'Julius',
  'Keegan',
  'Kevin',
  'Kyle',
  'Lonzo',
  'Luke',
  'Malik',
  'Marcus',
  'Miles',
  'Mikal',
  'Nic',
  'Obi',
  'Paolo',
  'RJ',
  'Scottie',
  'Tyrese',
  'Walker',
  'Zach',
];
const LAST = [
  'Allen',
  'Anderson',
  'Barnes',
  'Bridges',
  'Brooks',
  'Brown',
  'Carter',
  'Collins',
  'Davis',
  'Edwards',
  'Ellis',
  'Fox',
  'Gordon',
  'Grant',
  'Green',
  'Harris',
  'Hart',
  'Holiday',
  'Jackson',
  'Johnson',
  'Jones',
  'Lopez',
  'Mitchell',
  'Morris',
  'Murray',
  'Porter',
  'Powell',
  'Reid',
  'Robinson',
  'Smith',
  'Thomas',
  'Turner',
  'Walker',
  'Wallace',
  'Washington',
  'White',
  'Williams',
  'Young',
];

export function makeTeams(rng: Rng): Team[] {
  return TEAM_ROWS.map(([abbr, city, name, conference, division], i) => ({
    abbr,
    teamId: 1610612737 + i,
    city,
    name,
    conference,
    division,
    strength: Math.round(rng.normal() * 0.45 * 1000) / 1000,
  }));
}

const POSITIONS: readonly ('G' | 'F' | 'C')[] = [
  'G',
  'G',
  'F',
  'F',
  'C',
  'G',
  'F',
  'C',
  'G',
  'F',
  'G',
  'F',
  'C',
  'G',
  'F',
];
const MINUTES_BY_SLOT = [34, 33, 32, 30, 28, 24, 20, 17, 12, 10, 4, 3, 2, 1, 1];

export function makePlayers(teams: readonly Team[], rng: Rng): Player[] {
  const players: Player[] = [];
  const used = new Set<string>();
  for (const team of teams) {
    for (let slot = 0; slot < 15; slot++) {
      let name = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
      while (used.has(name)) name = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
      used.add(name);
      const position = POSITIONS[slot];
      const big = position === 'C';
      const guard = position === 'G';
      const star = slot < 2 ? 1.25 : slot < 5 ? 1.05 : 0.9;
      players.push({
        playerId: 1626000 + players.length * 7,
        name,
        team: team.abbr,
        position,
        slot,
        minutesWeight: MINUTES_BY_SLOT[slot] * (0.85 + 0.3 * rng.next()),
        shotRate: Math.min(0.75, (0.3 + 0.12 * rng.next()) * star),
        threeShare: big ? 0.08 + 0.2 * rng.next() : guard ? 0.38 + 0.2 * rng.next() : 0.3 + 0.2 * rng.next(),
        paintShare: big ? 0.75 + 0.15 * rng.next() : 0.45 + 0.25 * rng.next(),
        skill: 0.9 + 0.2 * rng.next() + 0.04 * team.strength,
        freeThrowRate: (0.05 + 0.07 * rng.next()) * star,
        freeThrowPct: big ? 0.6 + 0.15 * rng.next() : 0.72 + 0.18 * rng.next(),
        turnoverRate: 0.03 + 0.03 * rng.next(),
        reboundRate: big
          ? 0.25 + 0.1 * rng.next()
          : guard
            ? 0.08 + 0.06 * rng.next()
            : 0.14 + 0.08 * rng.next(),
        assistRate: guard ? 0.14 + 0.12 * rng.next() : 0.04 + 0.08 * rng.next(),
      });
    }
  }
  return players;
}
