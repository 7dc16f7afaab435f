// Attach instead of re-run: a 409 on insert, an in-doubt attempt reconciled by its job id, a 503 after accept.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import { openAgainst, seedTogs, unit } from '../../support/bq-server-fixtures.js';

describe('bigquery attach and reconcile', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
    // 28 source rows on each day: a finished job writes (and reports) 28 rows.
    seedTogs(server, 28, ['2023-11-02', '2023-11-03', '2023-11-04', '2023-11-05', '2023-11-06']);
  });
  afterEach(() => server.close());

  it('attaches to an existing job when the insert answers 409 duplicate', async () => {
    const wh = await openAgainst(server);
    const u = unit('2023-11-02');
    await wh.materialize(u);
    const again = await wh.materialize(u);
    expect(again).toMatchObject({ rows: 28, jobRef: wh.jobRefFor(u) });
    expect(server.inserts).toHaveLength(2);
    expect(server.jobs.size).toBe(1);
  });

  it('reconciles a job the server accepted by attaching to it, without resubmitting', async () => {
    const wh = await openAgainst(server);
    const u = unit('2023-11-03');
    const jobRef = wh.jobRefFor(u)!;
    server.fail({ on: 'insert', jobId: jobRef, kind: 'unavailableAfterAccept' });
    server.keepRunning(4, jobRef);
    await expect(wh.materialize(u)).rejects.toMatchObject({ code: 'BACKEND' });

    const result = await wh.reconcile(u, jobRef);
    expect(result).toEqual({ status: 'succeeded', rows: 28 });
    expect(server.inserts.map((j) => j.jobId)).toEqual([jobRef]);
  });

  it('reports not-found for an attempt that never reached BigQuery', async () => {
    const wh = await openAgainst(server);
    const u = unit('2023-11-04');
    expect(await wh.reconcile(u, wh.jobRefFor(u))).toEqual({ status: 'not-found' });
    expect(server.inserts).toHaveLength(0);
  });

  it('reports a finished job that failed with its classified error', async () => {
    const wh = await openAgainst(server);
    const u = unit('2023-11-05');
    const jobRef = wh.jobRefFor(u)!;
    server.failJob(jobRef, 'invalidQuery');
    await expect(wh.materialize(u)).rejects.toMatchObject({ code: 'QUERY', retryable: false });
    const result = await wh.reconcile(u, jobRef);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.error).toMatchObject({ code: 'QUERY', retryable: false });
    expect(result.error.message).toContain('partition 2023-11-05');
    expect(server.inserts).toHaveLength(1);
  });

  it('retries a 503-after-accept with the same job id and attaches on the 409', async () => {
    const wh = await openAgainst(server);
    const u = unit('2023-11-06', 3);
    const jobRef = wh.jobRefFor(u)!;
    server.fail({ on: 'insert', jobId: jobRef, kind: 'unavailableAfterAccept' });
    const err = await wh.materialize(u).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'BACKEND',
      retryable: true,
      details: { reuseJobId: true, jobId: jobRef },
    });

    const retried = await wh.materialize(u);
    expect(retried).toMatchObject({ rows: 28, jobRef });
    expect(server.inserts.map((j) => j.jobId)).toEqual([jobRef, jobRef]);
    expect(server.jobs.size).toBe(1);
  });
});
