import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StepSpec } from '../../../machines/index.js';
import { generateWarehouse, planDirectory } from '../../../src/demo/index.js';
import { SqliteWarehouse } from '../../../src/warehouse/index.js';
import { filesUnder, tempDir } from './helpers.js';

interface Step {
  id: string;
  table: string;
  sql: string;
  ddl: string;
  partitionColumn?: string;
  expect?: { minRows?: string };
}
interface Phase {
  steps?: Step[];
  groups?: { steps: Step[] }[];
  gate: { exclude?: string; checks?: { sql: string }[] };
}

const dir = planDirectory();
const plan = parse(readFileSync(join(dir, 'plan.yaml'), 'utf8')) as { phases: Phase[]; partitions: string };
const steps = plan.phases.flatMap((p) => p.steps ?? (p.groups ?? []).flatMap((g) => g.steps));
const sqlite = (path: string) => readFileSync(join(dir, path.replace('{dialect}', 'sqlite')), 'utf8');
const range = { start: '2021-10-19', end: '2022-01-20' };
const sample = '2022-01-19';

describe('the NBA plan SQL (sqlite dialect)', () => {
  let db: Database.Database;
  beforeAll(async () => {
    const file = join(tempDir(), 'warehouse.db');
    generateWarehouse(file, { scenario: 'healthy', range });
    // Every step over every date, in plan order, through the warehouse's own partition replace.
    const wh = new SqliteWarehouse(file, { poolSize: 2 });
    try {
      const dates = await wh.listPartitions(sqlite(plan.partitions), range);
      for (const s of steps) {
        await wh.execute(sqlite(s.ddl));
        const step: StepSpec = {
          id: s.id,
          table: s.table,
          kind: 'sql',
          partitionColumn: s.partitionColumn ?? 'game_date',
          sql: sqlite(s.sql),
          concurrency: 1,
          retries: 0,
          refill: 'missing',
        };
        await Promise.all(
          dates.map((partition) => wh.materialize({ runId: 'test', step, partition, attempt: 1, range })),
        );
      }
    } finally {
      await wh.close();
    }
    db = new Database(file);
  }, 300_000);

  it('names 10 steps, each with sql and ddl files present in both dialects', () => {
    expect(steps.map((s) => s.id)).toHaveLength(10);
    for (const s of steps) {
      for (const path of [s.sql, s.ddl]) {
        expect(existsSync(join(dir, path.replace('{dialect}', 'sqlite'))), path).toBe(true);
        expect(existsSync(join(dir, path.replace('{dialect}', 'bigquery'))), path).toBe(true);
      }
    }
  });

  it('has a bigquery file for every sqlite file', () => {
    const lite = filesUnder(join(dir, 'sql', 'sqlite'));
    expect(lite.length).toBeGreaterThan(25);
    expect(filesUnder(join(dir, 'sql', 'bigquery'))).toEqual(lite);
  });

  it('runs every sqlite file for a sample partition', () => {
    const params = { partition: sample, ...range, run_id: 'test' };
    for (const path of filesUnder(join(dir, 'sql', 'sqlite'))) {
      const text = readFileSync(join(dir, 'sql', 'sqlite', path), 'utf8');
      if (path.startsWith('ddl/')) {
        expect(() => db.exec(text), path).not.toThrow();
        continue;
      }
      const rows = db.prepare(text).all(params);
      expect(rows.length, path).toBeGreaterThan(0);
    }
  });

  it('writes each step rows for the sample date that meet its expectation', () => {
    for (const step of steps) {
      const column = step.partitionColumn ?? 'game_date';
      const { n } = db.prepare(`SELECT COUNT(*) AS n FROM ${step.table} WHERE ${column} = ?`).get(sample) as {
        n: number;
      };
      expect(n, step.id).toBeGreaterThan(0);
      if (step.expect?.minRows) {
        const min = db.prepare(sqlite(step.expect.minRows)).get({ partition: sample }) as {
          min_rows: number;
        };
        expect(n, step.id).toBeGreaterThanOrEqual(min.min_rows);
        expect(min.min_rows, step.id).toBeGreaterThan(0);
      }
    }
  });

  it('passes the prerequisite and phase 4 checks, and feature rows join back to player_game_summary', () => {
    const params = { ...range, run_id: 'test' };
    const checks = [
      sqlite('sql/{dialect}/checks/schedule.sql'),
      ...plan.phases.flatMap((p) => (p.gate.checks ?? []).map((c) => sqlite(c.sql))),
    ];
    for (const text of checks) {
      const row = db.prepare(text).get(params) as { ok: number; detail: string };
      expect(row, row.detail).toMatchObject({ ok: 1 });
    }
    const { orphans, total } = db
      .prepare(
        `SELECT SUM(g.player_id IS NULL) AS orphans, COUNT(*) AS total FROM nba_predictions_ml_feature_store_v2 f
         LEFT JOIN nba_analytics_player_game_summary g ON g.player_id = f.player_id AND g.game_date = f.game_date`,
      )
      .get() as { orphans: number; total: number };
    expect(total).toBeGreaterThan(1000);
    expect(orphans).toBe(0);
  });

  it('gives team defense zones only once every team has 15 games, then all 30 teams', () => {
    const rows = db
      .prepare(
        'SELECT analysis_date, COUNT(*) AS n, MIN(games_in_sample) AS g FROM nba_precompute_team_defense_zone_analysis GROUP BY 1',
      )
      .all() as { analysis_date: string; n: number; g: number }[];
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r.n === 30 && r.g === 15)).toBe(true);
    expect(rows[0].analysis_date > '2021-11-10').toBe(true);
  });
});
