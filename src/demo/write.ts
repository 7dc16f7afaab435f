// The raw tables' schema and a byte-stable writer: fixed page size, rows in a fixed order, one transaction
// per table, keys and indexes built after the data, then ANALYZE: the same rows always give the same file.

import Database from 'better-sqlite3';

export type Cell = string | number | null;

export interface RawTable {
  name: string;
  columns: readonly (readonly [string, 'TEXT' | 'INTEGER' | 'REAL'])[];
  primaryKey?: readonly string[];
  indexes: readonly (readonly string[])[];
}

const STATS: readonly (readonly [string, 'INTEGER'])[] = [
  ['minutes', 'INTEGER'],
  ['points', 'INTEGER'],
  ['fga', 'INTEGER'],
  ['fgm', 'INTEGER'],
  ['fg3a', 'INTEGER'],
  ['fg3m', 'INTEGER'],
  ['fta', 'INTEGER'],
  ['ftm', 'INTEGER'],
  ['paint_attempts', 'INTEGER'],
  ['paint_makes', 'INTEGER'],
  ['mid_range_attempts', 'INTEGER'],
  ['mid_range_makes', 'INTEGER'],
  ['turnovers', 'INTEGER'],
  ['rebounds', 'INTEGER'],
  ['assists', 'INTEGER'],
];

export const RAW_TABLES = {
  teams: {
    name: 'nba_raw_teams',
    columns: [
      ['team_abbr', 'TEXT'],
      ['team_id', 'INTEGER'],
      ['city', 'TEXT'],
      ['team_name', 'TEXT'],
      ['conference', 'TEXT'],
      ['division', 'TEXT'],
    ],
    primaryKey: ['team_abbr'],
    indexes: [],
  },
  players: {
    name: 'nba_raw_players',
    columns: [
      ['player_id', 'INTEGER'],
      ['player_name', 'TEXT'],
      ['team_abbr', 'TEXT'],
      ['position', 'TEXT'],
      ['jersey_number', 'INTEGER'],
    ],
    primaryKey: ['player_id'],
    indexes: [['team_abbr']],
  },
  schedule: {
    name: 'nba_raw_schedule',
    columns: [
      ['game_id', 'TEXT'],
      ['game_date', 'TEXT'],
      ['season', 'TEXT'],
      ['season_type', 'TEXT'],
      ['home_team', 'TEXT'],
      ['away_team', 'TEXT'],
      ['overtime_periods', 'INTEGER'],
    ],
    primaryKey: ['game_id'],
    indexes: [['game_date'], ['season', 'game_date']],
  },
  playerStats: {
    name: 'nba_raw_gamebook_player_stats',
    columns: [
      ['game_id', 'TEXT'],
      ['game_date', 'TEXT'],
      ['season', 'TEXT'],
      ['team_abbr', 'TEXT'],
      ['opponent_abbr', 'TEXT'],
      ['player_id', 'INTEGER'],
      ['player_name', 'TEXT'],
      ['starter', 'INTEGER'],
      ['dnp_reason', 'TEXT'],
      ...STATS,
    ],
    primaryKey: ['game_id', 'player_id'],
    indexes: [['game_date'], ['player_id', 'game_date']],
  },
  teamBox: {
    name: 'nba_raw_team_box_scores',
    columns: [
      ['game_id', 'TEXT'],
      ['game_date', 'TEXT'],
      ['season', 'TEXT'],
      ['team_abbr', 'TEXT'],
      ['opponent_abbr', 'TEXT'],
      ['is_home', 'INTEGER'],
      ...STATS,
    ],
    primaryKey: ['game_id', 'team_abbr'],
    indexes: [['game_date'], ['team_abbr', 'game_date']],
  },
  gameLines: {
    name: 'nba_raw_odds_game_lines',
    columns: [
      ['game_id', 'TEXT'],
      ['game_date', 'TEXT'],
      ['bookmaker', 'TEXT'],
      ['home_team', 'TEXT'],
      ['away_team', 'TEXT'],
      ['spread', 'REAL'],
      ['total', 'REAL'],
      ['home_moneyline', 'INTEGER'],
      ['away_moneyline', 'INTEGER'],
    ],
    primaryKey: ['game_id', 'bookmaker'],
    indexes: [['game_date']],
  },
  pointsLines: {
    name: 'nba_raw_odds_player_points',
    columns: [
      ['game_id', 'TEXT'],
      ['game_date', 'TEXT'],
      ['bookmaker', 'TEXT'],
      ['player_id', 'INTEGER'],
      ['line', 'REAL'],
      ['over_price', 'INTEGER'],
      ['under_price', 'INTEGER'],
    ],
    primaryKey: ['game_id', 'bookmaker', 'player_id'],
    indexes: [['game_date'], ['player_id', 'game_date']],
  },
  injuries: {
    name: 'nba_raw_injury_report',
    columns: [
      ['report_date', 'TEXT'],
      ['game_id', 'TEXT'],
      ['team_abbr', 'TEXT'],
      ['player_id', 'INTEGER'],
      ['status', 'TEXT'],
      ['reason', 'TEXT'],
    ],
    primaryKey: ['game_id', 'player_id'],
    indexes: [['report_date'], ['player_id', 'report_date']],
  },
} as const satisfies Record<string, RawTable>;

export type RawKey = keyof typeof RAW_TABLES;
export type RawRows = Record<RawKey, Cell[][]>;

function createSql(t: RawTable): string {
  const cols = t.columns.map(([name, type]) => `  ${name} ${type}`);
  return `CREATE TABLE ${t.name} (\n${cols.join(',\n')}\n)`;
}

const BATCH = 64;

/** Insert rows in order, many rows per statement (far fewer native calls), in one transaction. */
function insertAll(db: Database.Database, table: RawTable, data: readonly Cell[][]): void {
  const tuple = `(${table.columns.map(() => '?').join(', ')})`;
  const statement = (n: number) =>
    db.prepare(`INSERT INTO ${table.name} VALUES ${Array(n).fill(tuple).join(', ')}`);
  const full = statement(BATCH);
  db.transaction(() => {
    let i = 0;
    for (; i + BATCH <= data.length; i += BATCH) full.run(data.slice(i, i + BATCH).flat());
    if (i < data.length) statement(data.length - i).run(data.slice(i).flat());
  })();
}

/** Write every raw table into a new SQLite file at `file` (which must not exist). */
export function writeRaw(file: string, rows: RawRows): void {
  const db = new Database(file);
  try {
    db.pragma('page_size = 4096');
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -65536');
    for (const key of Object.keys(RAW_TABLES) as RawKey[]) {
      const table: RawTable = RAW_TABLES[key];
      db.exec(createSql(table));
      insertAll(db, table, rows[key]);
      if (table.primaryKey) {
        db.exec(`CREATE UNIQUE INDEX pk_${table.name} ON ${table.name} (${table.primaryKey.join(', ')})`);
      }
      for (const cols of table.indexes) {
        db.exec(`CREATE INDEX ix_${table.name}_${cols.join('_')} ON ${table.name} (${cols.join(', ')})`);
      }
    }
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
}
