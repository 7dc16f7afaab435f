// A small synthetic warehouse and plan for the gate tests: 20 game days, 2 of them bootstrap days,
// one complete table, one partial table with a short day, and a table with NULLs.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PhaseSpec, ResolvedPlan, StepSpec } from '../../../machines/index.js';
import { SqliteWarehouse } from '../../../src/warehouse/index.js';

export const DAYS = Array.from({ length: 20 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
/** Days the partial table lacks entirely. */
export const PARTIAL_ABSENT = ['2024-01-05', '2024-01-06', '2024-01-07', '2024-01-15'];
/** The partial table's day with 1 row where min_rows asks for 2 (one game a day, two teams). */
export const PARTIAL_SHORT = '2024-01-10';

export interface GateFixture {
  wh: SqliteWarehouse;
  path: string;
  plan: ResolvedPlan;
  close(): Promise<void>;
}

export function step(id: string, table: string, extra: Partial<StepSpec> = {}): StepSpec {
  return {
    id,
    table,
    kind: 'sql',
    partitionColumn: 'day',
    sql: `SELECT day, team, usage FROM src WHERE day = @partition`,
    concurrency: 1,
    retries: 0,
    refill: 'missing',
    expect: { minRows: 'SELECT 2 * games AS min_rows FROM games WHERE day = @partition' },
    ...extra,
  };
}

function seed(db: Database.Database): void {
  db.exec(`CREATE TABLE games (day TEXT PRIMARY KEY, games INTEGER);
    CREATE TABLE boot (day TEXT);
    CREATE TABLE full_t (day TEXT, team TEXT, usage REAL, minutes REAL);
    CREATE TABLE partial_t (day TEXT, team TEXT, usage REAL, minutes REAL);`);
  const games = db.prepare('INSERT INTO games VALUES (?, 1)');
  const full = db.prepare('INSERT INTO full_t VALUES (?, ?, ?, ?)');
  const partial = db.prepare('INSERT INTO partial_t VALUES (?, ?, ?, ?)');
  for (const [i, day] of DAYS.entries()) {
    games.run(day);
    // full_t: 2 rows a day; usage NULL on the home row of every 4th day (5 of 40 rows);
    // the away row of day 0 has minutes 0 and a NULL usage too (filtered out by `minutes > 0`).
    full.run(day, 'home', i % 4 === 0 ? null : 20 + i, 30);
    full.run(day, 'away', i === 0 ? null : 25, i === 0 ? 0 : 30);
    if (PARTIAL_ABSENT.includes(day)) continue;
    partial.run(day, 'home', 20, 30);
    if (day !== PARTIAL_SHORT) partial.run(day, 'away', 20, 30);
  }
  db.prepare('INSERT INTO boot VALUES (?), (?)').run(DAYS[0], DAYS[1]);
}

export function phase3(extra: Partial<PhaseSpec['gate']> = {}, steps?: StepSpec[]): PhaseSpec {
  return {
    id: 'phase3',
    groups: [{ steps: steps ?? [step('full', 'full_t'), step('partial', 'partial_t')] }],
    gate: {
      id: 'phase3',
      minCoverage: 0.9,
      exclude: 'SELECT day AS partition FROM boot WHERE day BETWEEN @start AND @end',
      notNull: [],
      checks: [],
      ...extra,
    },
  };
}

export async function makeGateFixture(phases?: PhaseSpec[]): Promise<GateFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'phased-gates-'));
  const path = join(dir, 'warehouse.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  seed(db);
  db.close();
  const plan: ResolvedPlan = {
    version: 1,
    name: 'gate-test',
    source: join(dir, 'plan.yaml'),
    range: { start: DAYS[0], end: DAYS[DAYS.length - 1] },
    warehouse: { kind: 'sqlite', path },
    partitionColumn: 'day',
    partitionsSql: 'SELECT day AS partition FROM games WHERE day BETWEEN @start AND @end',
    prerequisites: { tables: ['games'], checks: [] },
    phases: phases ?? [phase3()],
    maxConcurrency: 2,
  };
  const wh = new SqliteWarehouse(path, { poolSize: 2 });
  return {
    wh,
    path,
    plan,
    async close() {
      await wh.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
