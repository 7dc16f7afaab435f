// expect.minRows on BigQuery: a partition written short fails the unit with EXPECTATION, also when reconciled.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import { openAgainst, seedTogs, togsStep, unit } from '../../support/bq-server-fixtures.js';

const MIN_ROWS_SQL = 'SELECT 2 * COUNT(*) AS min_rows FROM nba_raw.schedule WHERE game_date = @partition';

describe('bigquery expect.minRows', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
    // 15 games on each day: MIN_ROWS_SQL asks for 30 rows.
    const days = ['2024-01-10', '2024-01-11', '2024-01-12'];
    server.createTable(
      'nba_raw.schedule',
      { game_id: 'STRING', game_date: 'DATE' },
      days.flatMap((d) => Array.from({ length: 15 }, (_, i) => ({ game_id: `${d}-${i}`, game_date: d }))),
    );
  });
  afterEach(() => server.close());

  const step = togsStep({ expect: { minRows: MIN_ROWS_SQL } });

  it('accepts a partition with enough rows', async () => {
    seedTogs(server, 30, ['2024-01-10']);
    const wh = await openAgainst(server);
    expect((await wh.materialize(unit('2024-01-10', 1, step))).rows).toBe(30);
    expect(server.queries.at(-1)?.parameters).toEqual({ partition: { type: 'DATE', value: '2024-01-10' } });
  });

  it('fails a short partition with EXPECTATION, not retryable', async () => {
    seedTogs(server, 4, ['2024-01-11']);
    const wh = await openAgainst(server);
    const err = await wh.materialize(unit('2024-01-11', 1, step)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EXPECTATION', retryable: false });
    expect((err as Error).message).toContain('partition 2024-01-11: 4 rows, expected at least 30');
  });

  it('reports a reconciled job that wrote a short partition as failed', async () => {
    seedTogs(server, 2, ['2024-01-12']);
    const wh = await openAgainst(server);
    const u = unit('2024-01-12', 1, step);
    await wh.materialize(u).catch(() => undefined);
    const result = await wh.reconcile(u, wh.jobRefFor(u));
    expect(result).toMatchObject({ status: 'failed', error: { code: 'EXPECTATION', retryable: false } });
  });
});
