// Each BigQuery error reason maps to its classified UnitError: code, retryable flag, retryAfterMs, message.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnitError } from '../../../machines/index.js';
import { type BqServer, type FailureKind, startBqServer } from '../../support/bq-server.js';
import { bqSpec, openAgainst, seedTogs, unit } from '../../support/bq-server-fixtures.js';

const POLICY = { rateLimitMs: 250, quotaMs: 1_234 };

const CASES: [FailureKind, string, boolean, number | undefined][] = [
  ['rateLimitExceeded', 'RATE_LIMIT', true, POLICY.rateLimitMs],
  ['serialization', 'RATE_LIMIT', true, POLICY.rateLimitMs],
  ['tooManyDml', 'RATE_LIMIT', true, POLICY.rateLimitMs],
  ['quotaExceeded', 'QUOTA', true, POLICY.quotaMs],
  ['backendError', 'BACKEND', true, undefined],
  ['accessDenied', 'ACCESS_DENIED', false, undefined],
  ['invalidQuery', 'QUERY', false, undefined],
  ['resourcesExceeded', 'QUERY', false, undefined],
  ['notFound', 'NOT_FOUND', false, undefined],
];

describe('bigquery error classification', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
    seedTogs(server, 2, ['2024-02-01', '2024-02-02', '2024-02-03']);
  });
  afterEach(() => server.close());

  it.each(CASES)(
    'insert failing with %s → %s (retryable %s)',
    async (kind, code, retryable, retryAfterMs) => {
      const wh = await openAgainst(server, bqSpec(), { retryPolicy: POLICY });
      server.fail({ on: 'insert', kind });
      const err = await wh.materialize(unit('2024-02-01')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnitError);
      expect(err).toMatchObject({ code, retryable });
      expect((err as UnitError).details?.retryAfterMs).toBe(retryAfterMs);
      expect((err as UnitError).message).toContain('step team_offense_game_summary partition 2024-02-01');
    },
  );

  it.each(CASES)('a job that finishes with %s → %s', async (kind, code, retryable) => {
    const wh = await openAgainst(server, bqSpec(), { retryPolicy: POLICY });
    const u = unit('2024-02-02');
    server.failJob(wh.jobRefFor(u)!, kind);
    const err = (await wh.materialize(u).catch((e: unknown) => e)) as UnitError;
    expect(err).toMatchObject({ code, retryable });
    // A job that finished with an error is final: a retry needs a new attempt id.
    expect(err.details?.reuseJobId ?? false).toBe(false);
  });

  it('marks only the too-many-DML failure, by its reason and message, as one to slow the step for', async () => {
    const wh = await openAgainst(server, bqSpec(), { retryPolicy: POLICY });
    const throttles: unknown[] = [];
    for (const [kind, day] of [
      ['tooManyDml', '2024-02-01'],
      ['resourcesExceeded', '2024-02-02'],
      ['rateLimitExceeded', '2024-02-03'],
    ] as const) {
      const u = unit(day);
      server.failJob(wh.jobRefFor(u)!, kind);
      const err = (await wh.materialize(u).catch((e: unknown) => e)) as UnitError;
      throttles.push(err.details?.throttle);
      if (kind === 'tooManyDml') {
        expect(err.details?.reasons).toContain('resourcesExceeded');
        expect(err.message).toMatch(/Too many DML statements outstanding against table \S+, limit is 20/);
      }
    }
    expect(throttles).toEqual(['tooManyDml', undefined, undefined]);
  });

  it('cancels the running job when the unit is aborted', async () => {
    const wh = await openAgainst(server);
    const u = unit('2024-02-03');
    server.keepRunning(1_000_000);
    const ac = new AbortController();
    const pending = wh.materialize(u, ac.signal);
    while (!server.jobs.has(wh.jobRefFor(u)!)) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED', retryable: false });
    const state = await wh.reconcile(u, wh.jobRefFor(u));
    expect(state).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
  });
});
