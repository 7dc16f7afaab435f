// A two-phase plan on the BigQuery backend runs to `succeeded` through the real CLI against the local server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BQ_DATASET, BQ_PROJECT, expectedJobId, makeBqProject, STEP_SQL } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { readEvents, runCliAsync, tempDir } from '../support/cli.js';

describe('bigquery run end to end', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('runs every unit as a WRITE_TRUNCATE job with a deterministic id, partition destination and labels', async () => {
    const p = makeBqProject(tempDir('phased-bq-run-'), server);
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'bq1'], { env: p.env });
    expect(r.stderr + r.stdout).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(server.violations).toEqual([]);

    const materialize = server.inserts.filter((j) => j.destination && !j.dryRun);
    expect(materialize).toHaveLength(3 * p.dates.length);
    for (const [step, table] of Object.entries(p.tables)) {
      for (const d of p.dates) {
        const id = expectedJobId('bq1', step, d);
        const job = server.jobs.get(id);
        expect(job, `job ${id}`).toBeDefined();
        expect(job?.writeDisposition).toBe('WRITE_TRUNCATE');
        expect(job?.destination).toEqual({
          projectId: BQ_PROJECT,
          datasetId: BQ_DATASET,
          tableId: `${table}$${d.replace(/-/g, '')}`,
        });
        expect(job?.labels).toEqual({
          team: 'data-eng',
          phased_run: 'bq1',
          phased_step: step,
          phased_partition: d,
        });
        expect(job?.parameters.partition).toEqual({ type: 'DATE', value: d });
      }
      // Coverage is real: the server counts the partitions its finished jobs wrote.
      const key = `${BQ_PROJECT}.${BQ_DATASET}.${table}`;
      expect([...(server.written.get(key) ?? [])].sort()).toEqual(p.dates);
      // Each partition was written by exactly one job, with the rows its SQL selects.
      for (const d of p.dates) {
        const w = server.writes.filter((x) => x.table === key && x.partition === d);
        expect(w.map((x) => [x.jobId, x.rows])).toEqual([[expectedJobId('bq1', step, d), 12]]);
      }
      const stored = server.rows(`${BQ_DATASET}.${table}`);
      expect(stored).toHaveLength(12 * p.dates.length);
    }
    // Each job id was submitted exactly once.
    expect(new Set(materialize.map((j) => j.jobId)).size).toBe(materialize.length);

    const events = readEvents(p.db, 'bq1');
    const types = events.map((e) => e.type);
    expect(types.at(-2)).toBe('RUN_SUCCEEDED');
    expect(types.filter((t) => t === 'GATE_PASSED')).toHaveLength(2);
    const started = events.filter((e) => e.type === 'UNIT_STARTED');
    for (const e of started) {
      expect(e.data.jobRef).toBe(expectedJobId('bq1', String(e.data.step), String(e.data.partition)));
    }
    const succeeded = events.filter((e) => e.type === 'UNIT_SUCCEEDED');
    expect(succeeded).toHaveLength(3 * p.dates.length);
    expect(succeeded.every((e) => e.data.rows === 12)).toBe(true);
    // The tables were created from their ddl during the baseline, by DDL jobs without destinations.
    expect(server.inserts.filter((j) => /^CREATE TABLE/.test(j.query))).toHaveLength(3);
    // Prerequisites dry-ran every step's SQL for the first partition and logged the bytes.
    const prereqs = events.find((e) => e.type === 'PREREQS_PASSED')?.data.checks as {
      name: string;
      detail?: string;
    }[];
    for (const step of Object.keys(p.tables)) {
      const check = prereqs.find((c) => c.name === `step ${step} SQL dry run (${p.dates[0]})`);
      expect(check?.detail ?? `no dry run check for ${step}`).toMatch(
        /would process 1048576 bytes|not dry-run/,
      );
    }
    expect(
      server.inserts
        .filter((j) => j.dryRun)
        .map((j) => j.query)
        .sort(),
    ).toEqual(Object.values(STEP_SQL).sort());
  });
});
