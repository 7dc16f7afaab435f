// A small BigQuery plan for end-to-end tests: two phases over a handful of dates, answered by the local server.
// It writes the plan and registers its source tables on the server; each test asserts its own behaviour.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BqServer } from './bq-server.js';
import { dateList } from './synthetic.js';

export const BQ_PROJECT = 'phased-e2e';
export const BQ_DATASET = 'an';

export interface BqPlanOptions {
  dates?: number;
  /** Retries per step (default 3). */
  retries?: number;
  concurrency?: number;
  /** Write the plan without `projectId` (bad input). */
  noProject?: boolean;
}

export interface BqProject {
  dir: string;
  plan: string;
  db: string;
  dates: string[];
  /** Step ids → destination table ids. */
  tables: Record<string, string>;
  /** Env for the CLI: the server as BIGQUERY_EMULATOR_HOST, fast polls. */
  env: Record<string, string>;
}

export const STEP_SQL = {
  team: 'SELECT game_date, team, pts FROM raw.games WHERE game_date = @partition',
  player: 'SELECT game_date, player, team, pts FROM raw.box WHERE game_date = @partition',
  features: `SELECT t.game_date, p.player, p.pts - t.pts AS edge FROM ${BQ_DATASET}.team_summary t JOIN ${BQ_DATASET}.player_summary p ON p.game_date = t.game_date AND p.team = t.team WHERE t.game_date = @partition`,
};

/** Each step's table columns (its ddl creates them, partitioned by game_date). */
export const STEP_COLUMNS: Record<string, Record<string, string>> = {
  team_summary: { game_date: 'DATE', team: 'STRING', pts: 'INT64' },
  player_summary: { game_date: 'DATE', player: 'STRING', team: 'STRING', pts: 'INT64' },
  features: { game_date: 'DATE', player: 'STRING', edge: 'INT64' },
};

/** Rows each step writes per partition: 12 teams, one player each. */
export const ROWS_PER_DAY = 12;

const ddl = (t: string) => {
  const cols = Object.entries(STEP_COLUMNS[t]).map(([c, type]) => `${c} ${type}`);
  return `CREATE TABLE IF NOT EXISTS ${BQ_DATASET}.${t} (${cols.join(', ')}) PARTITION BY game_date`;
};

/** Write plan.yaml into `dir` and prime `server` to answer its calendar, prerequisites and checks. */
export function makeBqProject(dir: string, server: BqServer, o: BqPlanOptions = {}): BqProject {
  const dates = dateList(o.dates ?? 4, '2024-03-01');
  const retries = o.retries ?? 3;
  const c = o.concurrency ?? 2;
  const teams = Array.from({ length: ROWS_PER_DAY }, (_, i) => `T${i}`);
  server.createTable(
    'raw.games',
    STEP_COLUMNS.team_summary,
    dates.flatMap((game_date) => teams.map((team, i) => ({ game_date, team, pts: 90 + i }))),
  );
  server.createTable(
    'raw.box',
    STEP_COLUMNS.player_summary,
    dates.flatMap((game_date) => teams.map((team, i) => ({ game_date, player: `P${i}`, team, pts: 10 + i }))),
  );
  // The calendar has one day outside the range: the partition query's filter must drop it.
  server.createTable(
    'raw.calendar',
    { d: 'DATE' },
    [...dates, '2024-02-01'].map((d) => ({ d })),
  );
  server.dryRunBytes = 1_048_576;
  const step = (id: string, table: string, sql: string) =>
    `      - { id: ${id}, table: ${table}, sql: "${sql}", ddl: "${ddl(table)}", concurrency: ${c}, retries: ${retries} }`;
  const plan = `version: 1
name: bq-e2e
range: { start: ${dates[0]}, end: ${dates[dates.length - 1]} }
warehouse: { kind: bigquery, ${o.noProject ? '' : `projectId: ${BQ_PROJECT}, `}location: US, dataset: ${BQ_DATASET}, labels: { team: data-eng } }
partitionColumn: game_date
partitions: SELECT d AS \`partition\` FROM raw.calendar WHERE d BETWEEN @start AND @end
maxConcurrency: 4
prerequisites:
  tables: [raw.games, raw.box]
  checks:
    - { name: games have rows, sql: "SELECT COUNT(*) > 0 AS ok, '96 games' AS detail FROM raw.games" }
phases:
  - id: p3
    steps:
${step('team', 'team_summary', STEP_SQL.team)}
${step('player', 'player_summary', STEP_SQL.player)}
    gate: { minCoverage: 1 }
  - id: p4
    groups:
      - steps:
${step('features', 'features', STEP_SQL.features).replace('      - ', '          - ')}
    gate: { minCoverage: 1 }
`;
  const file = join(dir, 'plan.yaml');
  writeFileSync(file, plan);
  return {
    dir,
    plan: file,
    db: join(dir, 'phased.db'),
    dates,
    tables: { team: 'team_summary', player: 'player_summary', features: 'features' },
    env: { BIGQUERY_EMULATOR_HOST: server.url, PHASED_BQ_POLL_MS: '20' },
  };
}

/** The job id the backend gives a unit's attempt (mirrors bigquery-naming's rule for these simple ids). */
export function expectedJobId(runId: string, step: string, partition: string, attempt = 1): string {
  return `phased_${runId}_${step}_${partition}_a${attempt}`.replace(/[^A-Za-z0-9_-]/g, '_');
}
