// Each BigQuery error reason gets its policy through the real driver: growing retries, a quota wait,
// attach after a lost insert answer, a failure with the message; a 403 accessDenied fails at once and the gate shows the gap.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectedJobId, makeBqProject } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { type LoggedRow, readEvents, runCliAsync, tempDir } from '../support/cli.js';

const QUOTA_WAIT_MS = 400;

/** The logged time (ms since epoch) of each event of a run, by seq. */
function atOf(db: string, runId: string): (seq: number) => number {
  const d = new Database(db, { readonly: true });
  try {
    const rows = d.prepare('SELECT seq, at FROM events WHERE run_id = ?').all(runId) as {
      seq: number;
      at: string;
    }[];
    const by = new Map(rows.map((r) => [r.seq, Date.parse(r.at)]));
    return (seq) => by.get(seq) ?? Number.NaN;
  } finally {
    d.close();
  }
}
const RATE_WAIT_MS = 60;

describe('bigquery error policies end to end', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('retries, waits, attaches or fails each unit by its error reason', async () => {
    const p = makeBqProject(tempDir('phased-bq-errors-'), server, { dates: 4, retries: 3 });
    const [d1, d2, d3, d4] = p.dates;
    const id = (step: string, d: string, a = 1) => expectedJobId('bq3', step, d, a);
    // team d1: rate limited twice on insert. team d2: quota exhausted once. team d3: three backend errors.
    server.fail({ on: 'insert', jobId: id('team', d1, 1), kind: 'rateLimitExceeded' });
    server.fail({ on: 'insert', jobId: id('team', d1, 2), kind: 'rateLimitExceeded' });
    server.fail({ on: 'insert', jobId: id('team', d2, 1), kind: 'quotaExceeded' });
    for (const a of [1, 2, 3]) server.failJob(id('team', d3, a), 'backendError');
    // player d1: the insert is accepted but its answer lost (503). d2: a syntax error. d3: access denied.
    // d4: a serialization conflict.
    server.fail({ on: 'insert', jobId: id('player', d1), kind: 'unavailableAfterAccept' });
    server.failJob(id('player', d2), 'invalidQuery');
    server.fail({ on: 'insert', jobId: id('player', d3), kind: 'accessDenied' });
    server.failJob(id('player', d4), 'serialization');

    const env = {
      ...p.env,
      PHASED_BQ_QUOTA_WAIT_MS: String(QUOTA_WAIT_MS),
      PHASED_BQ_RATE_LIMIT_WAIT_MS: String(RATE_WAIT_MS),
    };
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'bq3'], { env });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);

    const events = readEvents(p.db, 'bq3');
    const of = (step: string, d: string, type: string) =>
      events.filter((e) => e.type === type && e.data.step === step && e.data.partition === d);
    const failures = (step: string, d: string) =>
      of(step, d, 'UNIT_FAILED').map(
        (e) =>
          e.data as {
            error: { code: string; message: string };
            retryInMs?: number;
            final: boolean;
            attempt: number;
          },
      );
    const succeededAt = (step: string, d: string) => of(step, d, 'UNIT_SUCCEEDED').map((e) => e.data.attempt);

    // Rate limit: retried, each wait at least the backend's rate-limit wait.
    expect(failures('team', d1).map((f) => f.error.code)).toEqual(['RATE_LIMIT', 'RATE_LIMIT']);
    for (const f of failures('team', d1)) expect(f.retryInMs).toBeGreaterThanOrEqual(RATE_WAIT_MS);
    expect(succeededAt('team', d1)).toEqual([3]);

    // Quota: one long wait (the backend's quota wait, honoured by the driver) before the next attempt.
    const [quota] = failures('team', d2);
    expect(quota).toMatchObject({ error: { code: 'QUOTA' }, final: false });
    expect(quota.retryInMs).toBeGreaterThanOrEqual(QUOTA_WAIT_MS);
    expect(quota.error.message).toMatch(/quota exhausted; retrying after/);
    expect(succeededAt('team', d2)).toEqual([2]);
    // Honoured: the retry's UNIT_STARTED was logged no sooner than the wait after the failure.
    const at = atOf(p.db, 'bq3');
    const failedSeq = of('team', d2, 'UNIT_FAILED')[0].seq;
    const retrySeq = of('team', d2, 'UNIT_STARTED')[1].seq;
    expect(at(retrySeq) - at(failedSeq)).toBeGreaterThanOrEqual(QUOTA_WAIT_MS);
    const log = readFileSync(join(p.dir, 'logs', 'bq3.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event?: string; partition?: string; data?: { retryInMs?: number } });
    const logged = log.find((l) => l.event === 'UNIT_FAILED' && l.partition === d2);
    expect(logged?.data?.retryInMs).toBe(quota.retryInMs);

    // Backend errors after the job ran: new attempts with growing waits.
    const backend = failures('team', d3);
    expect(backend.map((f) => f.error.code)).toEqual(['BACKEND', 'BACKEND', 'BACKEND']);
    const waits = backend.map((f) => f.retryInMs ?? 0);
    expect(waits[1]).toBeGreaterThanOrEqual(waits[0]);
    expect(waits[2]).toBeGreaterThan(waits[0]);
    expect(succeededAt('team', d3)).toEqual([4]);

    // Lost insert answer: before any new attempt the job is looked up by id and attached (attempt 1 again,
    // in doubt); nothing is resubmitted and the server ran it once.
    expect(failures('player', d1).map((f) => [f.error.code, f.attempt])).toEqual([['BACKEND', 1]]);
    expect(of('player', d1, 'UNIT_STARTED').map((e) => e.data.attempt)).toEqual([1, 1]);
    expect(of('player', d1, 'UNIT_STARTED').map((e) => e.data.reason)).toEqual(['first', 'in-doubt']);
    expect(of('player', d1, 'UNIT_SUCCEEDED').map((e) => e.data.reconciled)).toEqual([true]);
    expect(server.inserts.filter((j) => j.jobId === id('player', d1))).toHaveLength(1);
    expect(server.jobs.has(id('player', d1, 2))).toBe(false);
    expect(succeededAt('player', d1)).toEqual([1]);

    // Syntax error: fails with BigQuery's message, no retry.
    expect(failures('player', d2)).toMatchObject([{ error: { code: 'QUERY' }, final: true }]);
    expect(failures('player', d2)[0].error.message).toMatch(/Syntax error.*fix the SQL/);

    // 403 accessDenied: failed at once, with what to do.
    expect(of('player', d3, 'UNIT_STARTED')).toHaveLength(1);
    expect(failures('player', d3)).toMatchObject([{ error: { code: 'ACCESS_DENIED' }, final: true }]);
    expect(failures('player', d3)[0].error.message).toMatch(/Access Denied.*grant the BigQuery roles/);

    // Serialization conflict: a rate-limit class retry.
    expect(failures('player', d4).map((f) => f.error.code)).toEqual(['RATE_LIMIT']);
    expect(succeededAt('player', d4)).toEqual([2]);

    // The gate reports the gap: player is missing exactly the two failed partitions; phase 4 never starts.
    const gate = events.find((e: LoggedRow) => e.type === 'GATE_FAILED');
    expect(gate, 'the p3 gate failed').toBeDefined();
    const report = gate?.data.report as {
      tables: { step: string; missing: number; missingSample: string[] }[];
    };
    const tables = report.tables;
    expect(tables.find((t) => t.step === 'player')).toMatchObject({ missing: 2, missingSample: [d2, d3] });
    expect(tables.find((t) => t.step === 'team')).toMatchObject({ missing: 0 });
    expect(events.some((e) => e.type === 'UNIT_STARTED' && e.data.step === 'features')).toBe(false);
  });
});
