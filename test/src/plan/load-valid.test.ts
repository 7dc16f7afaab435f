import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSteps, locateStep } from '../../../machines/index.js';
import { loadPlan } from '../../../src/plan/index.js';
import { copyFixture, editPlan, FIXTURE } from './helpers.js';

const sqlFile = (dialect: string, rel: string) =>
  readFileSync(path.join(FIXTURE, 'sql', dialect, rel), 'utf8');

describe('loadPlan on a valid plan', () => {
  const file = path.join(FIXTURE, 'plan.yaml');
  const plan = loadPlan(file);

  it('resolves the top level: source, range, warehouse path, partitions SQL, prerequisites, defaults', () => {
    expect(plan.version).toBe(1);
    expect(plan.name).toBe('fixture-phase3-phase4');
    expect(plan.source).toBe(file);
    expect(plan.range).toEqual({ start: '2021-10-19', end: '2021-11-30' });
    expect(plan.warehouse).toEqual({ kind: 'sqlite', path: path.join(FIXTURE, 'data', 'warehouse.db') });
    expect(plan.partitionColumn).toBe('game_date');
    expect(plan.partitionsSql).toBe(sqlFile('sqlite', 'partitions/game_dates.sql'));
    expect(plan.prerequisites.tables).toEqual(['nba_raw_schedule', 'nba_raw_team_boxscore']);
    expect(plan.prerequisites.checks).toEqual([
      { name: 'schedule covers the range', sql: sqlFile('sqlite', 'checks/schedule.sql') },
    ]);
    expect(plan.maxConcurrency).toBe(8);
  });

  it('turns `steps` into one group and keeps `groups` in order', () => {
    expect(plan.phases.map((p) => p.id)).toEqual(['phase3', 'phase4']);
    expect(plan.phases[0].groups).toHaveLength(1);
    expect(plan.phases[0].groups[0].steps.map((s) => s.id)).toEqual([
      'team_offense_game_summary',
      'team_defense_game_summary',
    ]);
    expect(plan.phases[1].groups.map((g) => g.steps.map((s) => s.id))).toEqual([
      ['team_defense_zone_analysis'],
      ['player-composite-factors'],
    ]);
    expect(locateStep(plan, 'player-composite-factors')?.group).toBe(1);
  });

  it('inlines SQL file text with {dialect} replaced and keeps inline SQL as written', () => {
    const togs = locateStep(plan, 'team_offense_game_summary')!.step;
    expect(togs.sql).toBe(sqlFile('sqlite', 'phase3/team_offense_game_summary.sql'));
    expect(togs.ddl).toBe(sqlFile('sqlite', 'ddl/team_offense_game_summary.sql'));
    expect(togs.expect).toEqual({ minRows: sqlFile('sqlite', 'expect/two_per_game.sql') });
    const tdgs = locateStep(plan, 'team_defense_game_summary')!.step;
    expect(tdgs.sql).toMatch(/^SELECT game_date, team_abbr, SUM\(points\) AS points_allowed\n/);
    expect(tdgs.ddl).toBeUndefined();
    expect(tdgs.expect).toBeUndefined();
  });

  it('fills step defaults and inherits the partition column', () => {
    const [togs, tdgs, tdza] = allSteps(plan);
    expect(togs).toMatchObject({
      kind: 'sql',
      concurrency: 6,
      retries: 3,
      refill: 'missing',
      partitionColumn: 'game_date',
    });
    expect(tdgs).toMatchObject({ kind: 'sql', concurrency: 4, retries: 0, refill: 'missing' });
    expect(tdza).toMatchObject({ partitionColumn: 'analysis_date', refill: 'all' });
  });

  it('resolves a command step: argv, cwd absolute, env as strings, timeout in ms, no sql', () => {
    const pcf = locateStep(plan, 'player-composite-factors')!.step;
    expect(pcf.kind).toBe('command');
    expect(pcf.sql).toBeUndefined();
    expect(pcf.concurrency).toBe(15);
    expect(pcf.command).toEqual({
      argv: ['./backfill.sh', '--date', '{partition}'],
      cwd: path.join(FIXTURE, 'scripts'),
      env: { MODE: 'backfill', WORKERS: '15' },
      timeoutMs: 90_000,
    });
  });

  it('resolves gates: explicit values, SQL exclusions, default id and default minCoverage', () => {
    expect(plan.phases[0].gate).toEqual({
      id: 'phase3',
      minCoverage: 0.95,
      exclude: sqlFile('sqlite', 'partitions/bootstrap_days.sql'),
      notNull: [
        {
          table: 'nba_analytics_team_offense_game_summary',
          column: 'points',
          maxRate: 0.05,
          where: 'minutes > 0',
        },
      ],
      checks: [],
    });
    expect(plan.phases[1].gate).toMatchObject({ id: 'ml_ready', minCoverage: 0.88, notNull: [] });
    expect(plan.phases[1].gate.checks[0].name).toBe('factors present');
  });

  it('gives a phase without a gate a pass-through gate, and a gate without minCoverage full coverage', () => {
    const file2 = editPlan(copyFixture(), (doc) => {
      delete doc.phases[0].gate;
      doc.phases[1].gate = { checks: [] };
    });
    const p = loadPlan(file2);
    expect(p.phases[0].gate).toEqual({ id: 'phase3', minCoverage: 0, notNull: [], checks: [] });
    expect(p.phases[1].gate).toEqual({ id: 'phase4', minCoverage: 1, notNull: [], checks: [] });
  });

  it('reads the bigquery SQL files when the warehouse is bigquery', () => {
    const file2 = editPlan(copyFixture(), (doc) => {
      doc.warehouse = {
        kind: 'bigquery',
        projectId: 'nba-props-platform',
        location: 'US',
        maximumBytesBilled: 10 ** 12,
      };
      doc.phases[0].steps[0].table = 'nba_analytics.team_offense_game_summary';
    });
    const p = loadPlan(file2);
    expect(p.warehouse).toEqual({
      kind: 'bigquery',
      projectId: 'nba-props-platform',
      location: 'US',
      maximumBytesBilled: '1000000000000',
    });
    expect(p.partitionsSql).toBe(sqlFile('bigquery', 'partitions/game_dates.sql'));
    expect(p.partitionsSql).toContain('nba_raw.nbac_schedule');
    expect(allSteps(p)[0].table).toBe('nba_analytics.team_offense_game_summary');
    expect(allSteps(p)[0].ddl).toContain('PARTITION BY game_date');
  });
});
