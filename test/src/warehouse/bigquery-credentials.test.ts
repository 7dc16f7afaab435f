// Credentials and projectId are checked when the warehouse opens, before any unit starts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import { openBigQueryWarehouse } from '../../../src/warehouse/bigquery.js';
import { type BqServer, startBqServer } from '../../support/bq-server.js';
import { bqSpec, seedTogs, unit } from '../../support/bq-server-fixtures.js';

const KEYS = [
  'GOOGLE_APPLICATION_CREDENTIALS',
  'BIGQUERY_EMULATOR_HOST',
  'HOME',
  'CLOUDSDK_CONFIG',
  'METADATA_SERVER_DETECTION',
];

describe('bigquery credentials', () => {
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phased-bq-cred-'));
    for (const k of KEYS) saved[k] = process.env[k];
    for (const k of KEYS) delete process.env[k];
    // No well-known gcloud file, no metadata server probe: nothing to find.
    process.env.HOME = dir;
    process.env.CLOUDSDK_CONFIG = join(dir, 'gcloud');
    process.env.METADATA_SERVER_DETECTION = 'none';
  });
  afterEach(async () => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a plan without projectId', async () => {
    const err = await openBigQueryWarehouse(bqSpec({ projectId: '' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhasedError);
    expect(err).toMatchObject({ code: 'CREDENTIALS' });
    expect((err as Error).message).toContain('projectId');
  });

  it('names a GOOGLE_APPLICATION_CREDENTIALS file that does not exist', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = join(dir, 'missing-key.json');
    const err = await openBigQueryWarehouse(bqSpec()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CREDENTIALS' });
    expect((err as Error).message).toContain('missing-key.json');
  });

  it('says how to log in when no credentials can be found at all', async () => {
    const err = await openBigQueryWarehouse(bqSpec()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CREDENTIALS' });
    expect((err as Error).message).toContain('gcloud auth application-default login');
  });

  describe('with BIGQUERY_EMULATOR_HOST', () => {
    let server: BqServer;
    beforeEach(async () => {
      server = await startBqServer();
      seedTogs(server, 2, ['2024-03-01']);
    });
    afterEach(() => server.close());

    it('uses it as the endpoint and needs no credentials', async () => {
      process.env.BIGQUERY_EMULATOR_HOST = server.url;
      const wh = await openBigQueryWarehouse(bqSpec(), { pollMs: 5 });
      const u = unit('2024-03-01');
      await wh.materialize(u);
      expect(server.jobs.has(wh.jobRefFor(u)!)).toBe(true);
    });
  });
});
