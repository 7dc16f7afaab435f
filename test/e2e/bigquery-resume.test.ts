// kill -9 while BigQuery jobs run, then resume: accepted jobs are attached by id, lost inserts are submitted once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectedJobId, makeBqProject } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { exited, readEvents, runCliAsync, startCli, tempDir, waitFor } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';

describe('bigquery resume after kill -9', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('attaches to jobs the server accepted and submits never-accepted ones once', async () => {
    const p = makeBqProject(tempDir('phased-bq-resume-'), server, { dates: 4, concurrency: 2 });
    const lost = expectedJobId('bq2', 'player', p.dates[0]);
    server.hold();
    server.stall(new RegExp(`^${lost}$`));
    const materialized = () => [...server.jobs.values()].filter((j) => j.destination);
    const child = startCli(['--db', p.db, 'run', p.plan, '--run-id', 'bq2'], { env: p.env });
    await waitFor(
      () => materialized().length >= 3 && server.stalled.length === 1,
      'three held jobs and one lost insert',
    );
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');

    const accepted = materialized().map((j) => j.jobId);
    const before = readEvents(p.db, 'bq2');
    expect(before.some((e) => e.type === 'UNIT_SUCCEEDED')).toBe(false);
    const startedBefore = before.filter((e) => e.type === 'UNIT_STARTED').map((e) => e.data.jobRef);
    expect(startedBefore).toEqual(expect.arrayContaining([...accepted, lost]));

    server.stall(undefined);
    server.release();
    const r = await runCliAsync(['--db', p.db, 'resume', 'bq2'], { env: p.env });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);

    // The server saw each job id once: the accepted ones were never resubmitted.
    const ids = server.inserts.filter((j) => j.destination).map((j) => j.jobId);
    expect(new Set(ids).size).toBe(ids.length);
    const events = checkExactlyOnce(p.db, 'bq2');
    const attach = events.findLastIndex((e) => e.type === 'DRIVER_ATTACHED');
    const after = events.slice(attach);
    for (const id of accepted) {
      const [, step, partition] = /^phased_bq2_(\w+?)_(\d{4}-\d{2}-\d{2})_a1$/.exec(id) ?? [];
      const done = after.find(
        (e) => e.type === 'UNIT_SUCCEEDED' && e.data.step === step && e.data.partition === partition,
      );
      expect(done?.data, `${id} attached`).toMatchObject({ reconciled: true, attempt: 1, rows: 12 });
      expect(
        after.some(
          (e) => e.type === 'UNIT_STARTED' && e.data.step === step && e.data.partition === partition,
        ),
      ).toBe(false);
    }
    // The lost insert: in doubt, not found by id, so the next attempt is submitted exactly once.
    const retry = after.filter(
      (e) => e.type === 'UNIT_STARTED' && e.data.step === 'player' && e.data.partition === p.dates[0],
    );
    expect(retry.map((e) => [e.data.reason, e.data.attempt])).toEqual([['in-doubt', 2]]);
    const next = expectedJobId('bq2', 'player', p.dates[0], 2);
    expect(ids.filter((id) => id === next)).toHaveLength(1);
    expect(ids).not.toContain(lost);
    expect(events.at(-2)?.type).toBe('RUN_SUCCEEDED');
    // In the warehouse: every partition of every step written by exactly one finished job.
    const written = server.writes.map((w) => `${w.table}@${w.partition}`);
    expect(new Set(written).size).toBe(written.length);
    expect(written).toHaveLength(3 * p.dates.length);
  });
});
