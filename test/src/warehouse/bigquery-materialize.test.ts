// Materialize against a local server with the real client: deterministic job id, WRITE_TRUNCATE, table$YYYYMMDD.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import {
  bqSpec,
  openAgainst,
  PROJECT,
  seedTogs,
  TOGS_SQL,
  TOGS_TABLE,
  TOKEN,
  togsStep,
  unit,
} from '../../support/bq-server-fixtures.js';

describe('bigquery materialize', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('submits one WRITE_TRUNCATE query job per partition under its deterministic id', async () => {
    seedTogs(server, 30, ['2024-01-14', '2024-01-15']);
    server.keepRunning(3);
    const wh = await openAgainst(
      server,
      bqSpec({ labels: { Team: 'Data Eng' }, maximumBytesBilled: '1000000000' }),
    );
    const u = unit('2024-01-15', 2);
    const jobRef = wh.jobRefFor(u);
    expect(jobRef).toBe('phased_Run-2024_A_team_offense_game_summary_2024-01-15_a2');

    const result = await wh.materialize(u);
    expect(result.rows).toBe(30);
    expect(result.jobRef).toBe(jobRef);
    expect(server.violations).toEqual([]);
    expect(server.inserts).toHaveLength(1);
    const job = server.jobs.get(jobRef!)!;
    expect(job.query).toBe(TOGS_SQL);
    expect(job.destination).toEqual({
      projectId: PROJECT,
      datasetId: 'nba_analytics',
      tableId: 'team_offense_game_summary$20240115',
    });
    expect(job.writeDisposition).toBe('WRITE_TRUNCATE');
    expect(job.location).toBe('US');
    expect(job.maximumBytesBilled).toBe('1000000000');
    expect(job.labels).toEqual({
      team: 'data_eng',
      phased_run: 'run-2024_a',
      phased_step: 'team_offense_game_summary',
      phased_partition: '2024-01-15',
    });
    // Only the parameters the SQL uses, typed.
    expect(job.parameters).toEqual({
      partition: { type: 'DATE', value: '2024-01-15' },
      run_id: { type: 'STRING', value: 'Run-2024.A' },
    });
    expect([...server.authorization]).toEqual([`Bearer ${TOKEN}`]);
    // The job ran: exactly that partition holds the SELECT's rows.
    expect(server.writes).toEqual([
      { jobId: jobRef, table: `${PROJECT}.${TOGS_TABLE}`, partition: '2024-01-15', rows: 30 },
    ]);
    const days = new Set(server.rows(TOGS_TABLE).map((r) => r.game_date));
    expect([...days]).toEqual(['2024-01-15']);
  });

  it('writes to spec.dataset when the table has no dataset', async () => {
    seedTogs(server, 2, ['2022-03-01'], 'analytics.summary');
    const wh = await openAgainst(server, bqSpec({ dataset: 'analytics' }));
    await wh.materialize(unit('2022-03-01', 1, togsStep({ table: 'summary' })));
    expect(server.inserts[0].destination?.tableId).toBe('summary$20220301');
    expect(server.inserts[0].destination?.datasetId).toBe('analytics');
  });

  it('runs the SQL the job carries: rows of another date are refused and nothing is written', async () => {
    seedTogs(server, 2, ['2024-01-15', '2024-01-16']);
    const wh = await openAgainst(server);
    const edited = togsStep({ sql: TOGS_SQL.replace('game_date = @partition', 'game_date >= @partition') });
    const err = await wh.materialize(unit('2024-01-15', 1, edited)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'QUERY', retryable: false });
    expect((err as Error).message).toMatch(/different partitions rather than destination partition 20240115/);
    expect(server.rows(TOGS_TABLE)).toEqual([]);
    expect(server.writes).toEqual([]);
  });

  it('replaces only its partition: a rerun with fewer rows leaves other days as they were', async () => {
    seedTogs(server, 4, ['2024-01-15', '2024-01-16']);
    const wh = await openAgainst(server);
    await wh.materialize(unit('2024-01-15'));
    await wh.materialize(unit('2024-01-16'));
    const narrow = togsStep({ sql: TOGS_SQL.replace('AND @run_id', "AND team_abbr = 'T1' AND @run_id") });
    expect((await wh.materialize(unit('2024-01-15', 2, narrow))).rows).toBe(1);
    const count = (d: string) => server.rows(TOGS_TABLE).filter((r) => r.game_date === d).length;
    expect([count('2024-01-15'), count('2024-01-16')]).toEqual([1, 4]);
  });

  it('answers a step whose SQL does not parse as BigQuery does: the job is DONE with invalidQuery', async () => {
    seedTogs(server, 2, ['2024-01-15']);
    const wh = await openAgainst(server);
    const bad = togsStep({ sql: TOGS_SQL.replace('SELECT game_id,', 'SELECT game_id,,') });
    const u = unit('2024-01-15', 1, bad);
    const err = await wh.materialize(u).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'QUERY', retryable: false });
    expect((err as Error).message).toMatch(/invalidQuery: Syntax error: .* at \[1:16\]/);
    // The job exists (a job id was spent) and wrote nothing.
    expect(server.jobs.has(wh.jobRefFor(u)!)).toBe(true);
    expect(server.writes).toEqual([]);
  });
});
