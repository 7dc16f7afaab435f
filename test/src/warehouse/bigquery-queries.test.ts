// Reads through the real client: coverage counts, queries, partitions, table existence, DDL jobs, dry runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import { openAgainst, PROJECT } from '../../support/bq-server-fixtures.js';

describe('bigquery reads', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('counts rows per partition within the range, with DATE parameters', async () => {
    const perDay = { '2021-10-18': 2, '2021-10-19': 26, '2021-10-20': 30, '2026-01-04': 8 };
    server.createTable(
      `${PROJECT}.nba_analytics.team_offense_game_summary`,
      { game_id: 'STRING', game_date: 'DATE' },
      Object.entries(perDay).flatMap(([d, n]) =>
        Array.from({ length: n }, (_, i) => ({ game_id: `${d}-${i}`, game_date: d })),
      ),
      { partitionBy: 'game_date' },
    );
    const wh = await openAgainst(server);
    const counts = await wh.partitionCounts('nba_analytics.team_offense_game_summary', 'game_date', {
      start: '2021-10-19',
      end: '2026-01-03',
    });
    expect([...counts]).toEqual([
      ['2021-10-19', 26],
      ['2021-10-20', 30],
    ]);
    expect(server.queries[0].parameters).toEqual({
      start: { type: 'DATE', value: '2021-10-19' },
      end: { type: 'DATE', value: '2026-01-03' },
    });
  });

  it('raises a failed coverage query instead of returning an empty map', async () => {
    server.fail({ on: 'query', kind: 'accessDenied' });
    const wh = await openAgainst(server);
    await expect(
      wh.partitionCounts('nba_analytics.t', 'game_date', { start: '2024-01-01', end: '2024-01-31' }),
    ).rejects.toMatchObject({ code: 'ACCESS_DENIED', retryable: false });
  });

  it('returns query rows as plain values and lists partitions sorted', async () => {
    const days = ['2024-01-03', '2024-01-01', '2024-01-03', '2024-02-05'];
    server.createTable(
      'nba_raw.schedule',
      { game_date: 'DATE' },
      days.map((game_date) => ({ game_date })),
    );
    const wh = await openAgainst(server);
    const parts = await wh.listPartitions(
      'SELECT DISTINCT CAST(game_date AS STRING) AS `partition` FROM nba_raw.schedule WHERE game_date BETWEEN @start AND @end',
      { start: '2024-01-01', end: '2024-01-31', run_id: 'r1' },
    );
    expect(parts).toEqual(['2024-01-01', '2024-01-03']);
    expect(Object.keys(server.queries[0].parameters).sort()).toEqual(['end', 'start']);
    expect(await wh.query("SELECT TRUE AS ok, 'fine' AS detail, 7 AS n")).toEqual([
      { ok: true, detail: 'fine', n: 7 },
    ]);
  });

  it('tells whether a table exists (404 → false)', async () => {
    server.addTable('nba_analytics.player_game_summary');
    const wh = await openAgainst(server);
    expect(await wh.tableExists('nba_analytics.player_game_summary')).toBe(true);
    expect(await wh.tableExists('nba_analytics.nope')).toBe(false);
  });

  it('runs DDL as a query job and dry-runs a query for its bytes', async () => {
    server.dryRunBytes = 123_456_789;
    const wh = await openAgainst(server);
    const ddl = 'CREATE TABLE IF NOT EXISTS nba_precompute.x (game_date DATE) PARTITION BY game_date';
    await wh.execute(ddl);
    expect([...server.jobs.values()].map((j) => j.query)).toEqual([ddl]);
    const dry = await wh.dryRun('SELECT * FROM nba_precompute.x WHERE game_date = @partition', {
      partition: '2024-01-01',
    });
    expect(dry).toEqual({ bytesProcessed: 123_456_789 });
    expect(server.inserts[1]).toMatchObject({
      dryRun: true,
      parameters: { partition: { type: 'DATE', value: '2024-01-01' } },
    });
  });
});
