// A unit's job carries the budget guard's maximumBytesBilled; BigQuery refuses a job that would bill more
// (bytesBilledLimitExceeded, not retried), and a finished job's statistics come back for UNIT_SUCCEEDED.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorInfo } from '../../../machines/index.js';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import { bqSpec, openAgainst, seedTogs, unit } from '../../support/bq-server-fixtures.js';

describe('bigquery billing limits and statistics', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('sends the unit cap, and reports bytes processed, billed and slot ms from the job', async () => {
    seedTogs(server, 30, ['2024-01-15']);
    const wh = await openAgainst(server, bqSpec());
    const u = { ...unit('2024-01-15'), maxBytesBilled: 2 ** 30 };
    const res = await wh.materialize(u);
    const job = server.jobs.get(res.jobRef!)!;
    expect(job.maximumBytesBilled).toBe(String(2 ** 30));
    const st = server.stats(res.jobRef!)!;
    expect(st.processed).toBeGreaterThan(0);
    expect(res.stats).toEqual({ bytesProcessed: st.processed, bytesBilled: st.billed, slotMs: st.slotMs });
  });

  it('fails a job whose bytes billed would pass its cap with a non-retryable error naming the reason', async () => {
    seedTogs(server, 30, ['2024-01-15']);
    const wh = await openAgainst(server, bqSpec());
    const u = { ...unit('2024-01-15'), maxBytesBilled: 1000 };
    const err = await wh.materialize(u).then(
      () => undefined,
      (e: unknown) => e,
    );
    const info = errorInfo(err);
    expect(info.retryable).toBe(false);
    expect(info.code).toBe('QUERY');
    expect(info.message).toMatch(/bytesBilledLimitExceeded: Query exceeded limit for bytes billed: 1000/);
    expect(server.writes).toHaveLength(0);
  });
});
