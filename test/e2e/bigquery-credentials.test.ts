// Missing BigQuery credentials or project: exit 2 with what to set, before any run or unit exists.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeBqProject } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { readEvents, runCliAsync, runExists, tempDir } from '../support/cli.js';

describe('bigquery credentials and project', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  /** No emulator, no key file, an empty HOME: nothing Application Default Credentials could find. */
  function bare(dir: string): Record<string, string> {
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    return {
      HOME: home,
      BIGQUERY_EMULATOR_HOST: '',
      GOOGLE_APPLICATION_CREDENTIALS: '',
      CLOUDSDK_CONFIG: join(home, 'gcloud'),
    };
  }

  it('refuses a plan without projectId, naming the field to set', async () => {
    const p = makeBqProject(tempDir('phased-bq-cred-'), server, { noProject: true });
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'c1'], { env: p.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/warehouse\.projectId/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(runExists(p.db, 'c1')).toBe(false);
    expect(server.inserts).toHaveLength(0);
  });

  it('refuses a key file that does not exist, saying what to point it at', async () => {
    const p = makeBqProject(tempDir('phased-bq-cred-'), server);
    const env = { ...bare(p.dir), GOOGLE_APPLICATION_CREDENTIALS: join(p.dir, 'no-such-key.json') };
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'c2'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /GOOGLE_APPLICATION_CREDENTIALS names .*no-such-key\.json.*service-account key file/,
    );
    expect(runExists(p.db, 'c2')).toBe(false);
  });

  it('refuses to start without any credentials, before a run exists', async () => {
    const p = makeBqProject(tempDir('phased-bq-cred-'), server);
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'c3'], { env: bare(p.dir) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /no Google Cloud credentials found.*set GOOGLE_APPLICATION_CREDENTIALS.*gcloud auth application-default login/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(p.db) && runExists(p.db, 'c3')).toBe(false);
    expect(server.inserts).toHaveLength(0);
  });

  it('a resume without credentials exits 2 and appends nothing', async () => {
    const p = makeBqProject(tempDir('phased-bq-cred-'), server);
    // Created (not driven) with the local endpoint, then resumed where no credentials exist.
    const created = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'c4', '--detach'], {
      env: p.env,
    });
    expect(created.code).toBe(0);
    const r = await runCliAsync(['--db', p.db, 'resume', 'c4'], { env: bare(p.dir) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/credentials/);
    expect(readEvents(p.db, 'c4')).toEqual([]);
  });
});
