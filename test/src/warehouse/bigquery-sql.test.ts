// The SQL phased sends BigQuery, judged by the local server's GoogleSQL grammar and name rules: reserved
// words quoted, tables qualified as steps' tables are, dates normalised, and what BigQuery refuses refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedPlan } from '../../../machines/index.js';
import { evaluateGate } from '../../../src/gates/index.js';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import { bqSpec, openAgainst, PROJECT, togsStep } from '../../support/bq-server-fixtures.js';

const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03'];

describe('bigquery SQL against a GoogleSQL grammar', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('answers SQL that does not parse with HTTP 400 invalidQuery, naming the position', async () => {
    server.createTable('an.t', { game_date: 'DATE' }, [{ game_date: DAYS[0] }]);
    const wh = await openAgainst(server);
    // The coverage query as it used to be written: `partition` is a reserved word in GoogleSQL.
    const old = 'SELECT CAST(game_date AS STRING) partition, COUNT(*) n FROM an.t GROUP BY 1';
    const err = await wh.query(old).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'QUERY', retryable: false });
    expect((err as Error).message).toMatch(/invalidQuery: Syntax error: .* at \[1:43\]/);
  });

  it('counts partitions with every identifier quoted, whatever the column is called', async () => {
    // A partition column named like a reserved word must still work.
    server.createTable(
      'an.t',
      { partition: 'DATE', x: 'INT64' },
      [DAYS[0], DAYS[0], DAYS[2], '2023-12-31'].map((d) => ({ partition: d, x: 1 })),
      { partitionBy: 'partition' },
    );
    const wh = await openAgainst(server);
    const counts = await wh.partitionCounts('an.t', 'partition', { start: DAYS[0], end: DAYS[2] });
    expect(Object.fromEntries(counts)).toEqual({ [DAYS[0]]: 2, [DAYS[2]]: 1 });
    expect(server.queries[0].query).toContain('AS `partition`');
  });

  it('normalises DATE values a partition query returns, and refuses values that are not dates', async () => {
    server.createTable(
      'an.cal',
      { d: 'DATE', label: 'STRING' },
      DAYS.map((d) => ({ d, label: `day ${d}` })),
    );
    const wh = await openAgainst(server);
    // DATE typed, not cast: the client wraps each value; the backend returns YYYY-MM-DD strings.
    const parts = await wh.listPartitions(
      'SELECT d AS `partition` FROM an.cal WHERE d BETWEEN @start AND @end ORDER BY d DESC',
      { start: DAYS[1], end: DAYS[2] },
    );
    expect(parts).toEqual([DAYS[1], DAYS[2]]);
    const notDates = await wh
      .listPartitions('SELECT label AS `partition` FROM an.cal', {})
      .catch((e: unknown) => e);
    expect(notDates).toMatchObject({ code: 'QUERY' });
    expect((notDates as Error).message).toMatch(/"day 2024-01-01" is not a date/);
    const unnamed = await wh.listPartitions('SELECT d FROM an.cal', {}).catch((e: unknown) => e);
    expect((unnamed as Error).message).toMatch(/returned columns d; name the date column `partition`/);
  });

  it('refuses a table name without a dataset, as BigQuery does without a default dataset', async () => {
    server.createTable('an.t', { d: 'DATE' }, []);
    const wh = await openAgainst(server, bqSpec({ dataset: 'an' }));
    const err = await wh.query('SELECT COUNT(*) AS n FROM t').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'QUERY' });
    expect((err as Error).message).toContain(
      'Table name "t" missing dataset while no default dataset is set in the request.',
    );
    // …while the generated coverage query resolves the bare name against warehouse.dataset.
    expect((await wh.partitionCounts('t', 'd', { start: DAYS[0], end: DAYS[2] })).size).toBe(0);
  });

  it('resolves a gate notNull table written without a dataset as steps do', async () => {
    server.createTable(
      'an.summary',
      { game_date: 'DATE', usage: 'FLOAT64', minutes: 'INT64' },
      [
        { game_date: DAYS[0], usage: 0.2, minutes: 30 },
        { game_date: DAYS[0], usage: null, minutes: 12 },
        { game_date: DAYS[1], usage: null, minutes: 0 },
        { game_date: '2023-12-31', usage: null, minutes: 20 },
      ],
      { partitionBy: 'game_date' },
    );
    const spec = bqSpec({ dataset: 'an' });
    const wh = await openAgainst(server, spec);
    const plan: ResolvedPlan = {
      version: 1,
      name: 'bq-notnull',
      source: '/nowhere/plan.yaml',
      range: { start: DAYS[0], end: DAYS[2] },
      warehouse: spec,
      partitionColumn: 'game_date',
      partitionsSql: 'SELECT 1',
      prerequisites: { tables: [], checks: [] },
      maxConcurrency: 1,
      phases: [
        {
          id: 'p',
          groups: [
            { steps: [togsStep({ id: 'summary', table: `${PROJECT}.an.summary`, expect: undefined })] },
          ],
          gate: {
            id: 'p',
            minCoverage: 0,
            notNull: [{ table: 'summary', column: 'usage', maxRate: 0.5, where: 'minutes > 0' }],
            checks: [],
          },
        },
      ],
    };
    const report = await evaluateGate(plan, 'p', wh, DAYS);
    expect(report.error).toBeUndefined();
    // Within the range and the where: two rows, one NULL (the 2023 row is outside the range).
    expect(report.notNull[0]).toMatchObject({ rows: 2, nulls: 1, rate: 0.5, ok: true });
    const sent = server.queries.map((q) => q.query).find((q) => q.includes('null_count'));
    expect(sent).toContain(`FROM \`${PROJECT}.an.summary\``);
  });

  it('refuses a dry run of SQL that does not parse, creating no job', async () => {
    const wh = await openAgainst(server);
    const err = await wh.dryRun('SELECT 1 AS partition', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'QUERY', retryable: false });
    expect((err as Error).message).toMatch(/invalidQuery: Syntax error/);
    expect(server.inserts.map((j) => j.dryRun)).toEqual([true]);
    expect(server.jobs.size).toBe(0);
  });

  it('refuses a query naming a table that does not exist with notFound', async () => {
    const wh = await openAgainst(server);
    const err = await wh.query('SELECT * FROM an.nope').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND' });
    expect((err as Error).message).toContain(`Not found: Table ${PROJECT}:an.nope was not found`);
  });
});
