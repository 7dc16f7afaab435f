// Materialize against a local server with the real client: deterministic job id, WRITE_TRUNCATE, table$YYYYMMDD.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import {
  bqSpec,
  openAgainst,
  PROJECT,
  TOGS_SQL,
  TOKEN,
  togsStep,
  unit,
} from '../../support/bq-server-fixtures.js';

describe('bigquery materialize', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
    server.expectMaterialize('nba_analytics.team_offense_game_summary', TOGS_SQL);
  });
  afterEach(() => server.close());

  it('submits one WRITE_TRUNCATE query job per partition under its deterministic id', async () => {
    server.destinationRows = 30;
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
  });

  it('writes to spec.dataset when the table has no dataset', async () => {
    server.expectMaterialize('analytics.summary', TOGS_SQL);
    const wh = await openAgainst(server, bqSpec({ dataset: 'analytics' }));
    await wh.materialize(unit('2022-03-01', 1, togsStep({ table: 'summary' })));
    expect(server.inserts[0].destination?.tableId).toBe('summary$20220301');
    expect(server.inserts[0].destination?.datasetId).toBe('analytics');
  });

  it('refuses SQL that differs from the dialect file (the server checks it byte for byte)', async () => {
    const wh = await openAgainst(server);
    const edited = togsStep({ sql: `${TOGS_SQL} LIMIT 1` });
    await expect(wh.materialize(unit('2024-01-15', 1, edited))).rejects.toMatchObject({ code: 'QUERY' });
    expect(server.violations).toHaveLength(1);
  });
});
