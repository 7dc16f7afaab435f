// Fixtures for BigQuery backend tests: a plan-shaped step, units, and a warehouse opened against the local server.
// No assertions here; each test file asserts its own behaviour.

import type { BigQueryWarehouseSpec, StepSpec } from '../../machines/index.js';
import {
  type BigQueryOpenOptions,
  type BigQueryWarehouse,
  fixedTokenAuth,
  openBigQueryWarehouse,
} from '../../src/warehouse/bigquery.js';
import type { UnitRef } from '../../src/warehouse/types.js';
import type { BqServer } from './bq-server.js';

export const PROJECT = 'nba-props-platform';
export const TOKEN = 'test-token-123';

/** The dialect file's SELECT of one partition (as a plan would load it). */
export const TOGS_SQL = `SELECT game_id, team_abbr, game_date, points
FROM nba_raw.team_boxscore
WHERE game_date = @partition AND @run_id IS NOT NULL
`;

/** The target of TOGS_SQL: partitioned by game_date, as its ddl would create it. */
export const TOGS_TABLE = 'nba_analytics.team_offense_game_summary';
const TOGS_COLUMNS = { game_id: 'STRING', team_abbr: 'STRING', game_date: 'DATE', points: 'INT64' };

/**
 * Register TOGS_SQL's source (`nba_raw.team_boxscore`, `rows` team rows on each of `days`) and its empty
 * target table (`target`, default TOGS_TABLE) on the server.
 */
export function seedTogs(server: BqServer, rows: number, days: string[], target = TOGS_TABLE): void {
  const source = days.flatMap((day) =>
    Array.from({ length: rows }, (_, i) => ({
      game_id: `${day}-g${Math.floor(i / 2)}`,
      team_abbr: `T${i}`,
      game_date: day,
      points: 90 + i,
    })),
  );
  server.createTable('nba_raw.team_boxscore', TOGS_COLUMNS, source);
  server.createTable(target, TOGS_COLUMNS, [], { partitionBy: 'game_date' });
}

export function bqSpec(overrides: Partial<BigQueryWarehouseSpec> = {}): BigQueryWarehouseSpec {
  return { kind: 'bigquery', projectId: PROJECT, location: 'US', ...overrides };
}

export function togsStep(overrides: Partial<StepSpec> = {}): StepSpec {
  return {
    id: 'team_offense_game_summary',
    table: 'nba_analytics.team_offense_game_summary',
    kind: 'sql',
    partitionColumn: 'game_date',
    sql: TOGS_SQL,
    concurrency: 4,
    retries: 3,
    refill: 'missing',
    ...overrides,
  };
}

export function unit(partition: string, attempt = 1, step: StepSpec = togsStep()): UnitRef {
  return { runId: 'Run-2024.A', step, partition, attempt, range: { start: '2021-10-19', end: '2026-01-03' } };
}

/** Open the real client against the server with a fixed token and fast polling. */
export function openAgainst(
  server: BqServer,
  spec: BigQueryWarehouseSpec = bqSpec(),
  opts: BigQueryOpenOptions = {},
): Promise<BigQueryWarehouse> {
  return openBigQueryWarehouse(spec, {
    apiEndpoint: server.url,
    authClient: fixedTokenAuth(TOKEN),
    pollMs: 5,
    ...opts,
  });
}
