// Adaptive concurrency against the local BigQuery server: injected 403 rateLimitExceeded, and jobs failing as
// BigQuery fails a statement past a table's queue of mutating DML (400 resourcesExceeded), halve the step's
// limit (logged as CONCURRENCY_CHANGED), the driver honours the lowered limit, and it grows back after
// successes; `status --json` shows the limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECOVER_AFTER } from '../../machines/index.js';
import { expectedJobId, makeBqProject } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { readEvents, runCliAsync, tempDir } from '../support/cli.js';

describe('adaptive concurrency (BigQuery rate-limit and too-many-DML failures)', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('halves on rate limits, never runs more than the limit, and recovers after successes', async () => {
    const p = makeBqProject(tempDir('phased-aimd-'), server, { dates: 20, concurrency: 4, retries: 5 });
    server.keepRunning(1);
    // The first attempts of two team units are refused (the prerequisite dry runs are not).
    for (const d of p.dates.slice(0, 2)) {
      server.fail({ on: 'insert', jobId: expectedJobId('c1', 'team', d), kind: 'rateLimitExceeded' });
    }
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'c1'], {
      env: { ...p.env, PHASED_BQ_RATE_LIMIT_WAIT_MS: '10' },
    });
    expect(r.stdout).toContain('run c1 (bq-e2e): succeeded');
    expect(r.code).toBe(0);
    const events = readEvents(p.db, 'c1');
    const changes = events
      .filter((e) => e.type === 'CONCURRENCY_CHANGED' && e.data.step === 'team')
      .map((e) => [e.data.from, e.data.to, e.data.cause]);
    expect(changes.slice(0, 2)).toEqual([
      [4, 2, 'rateLimitExceeded'],
      [2, 1, 'rateLimitExceeded'],
    ]);
    expect(changes.slice(2)).toEqual([
      [1, 2, 'recovered'],
      [2, 3, 'recovered'],
      [3, 4, 'recovered'],
    ]);
    // Recovery came after RECOVER_AFTER successes each: count team's successes between the changes.
    const idx = events
      .map((e, i) => (e.type === 'CONCURRENCY_CHANGED' && e.data.step === 'team' ? i : -1))
      .filter((i) => i >= 0);
    for (let k = 2; k < idx.length; k++) {
      const between = events
        .slice(idx[k - 1] + 1, idx[k] + 1)
        .filter((e) => e.type === 'UNIT_SUCCEEDED' && e.data.step === 'team');
      expect(between).toHaveLength(RECOVER_AFTER);
    }
    // The limit held: after each change, no new team unit started while the limit's worth were in flight.
    let limit = 4;
    const inflight = new Set<string>();
    const overLimit: string[] = [];
    for (const e of events) {
      if (e.data.step !== 'team') continue;
      const key = String(e.data.partition);
      if (e.type === 'CONCURRENCY_CHANGED') limit = Number(e.data.to);
      if (e.type === 'UNIT_STARTED' && !inflight.has(key)) {
        inflight.add(key);
        // Units already running when the limit fell may finish; a new start needs room under the limit.
        if (inflight.size > limit)
          overLimit.push(`${key} started with ${inflight.size} in flight, limit ${limit}`);
      }
      if (e.type === 'UNIT_SUCCEEDED' || (e.type === 'UNIT_FAILED' && !e.data.final)) inflight.delete(key);
    }
    expect(overLimit).toEqual([]);

    const status = await runCliAsync(['--db', p.db, '--json', 'status', 'c1'], { env: p.env });
    const view = JSON.parse(status.stdout) as {
      steps: { id: string; concurrency: number; configuredConcurrency: number }[];
    };
    expect(view.steps.find((s) => s.id === 'team')).toMatchObject({
      concurrency: 4,
      configuredConcurrency: 4,
    });
  });

  it("halves on BigQuery's too-many-DML failure, recognised by the job's reason and message", async () => {
    const p = makeBqProject(tempDir('phased-aimd-dml-'), server, { dates: 12, concurrency: 4, retries: 5 });
    server.keepRunning(1);
    // The first attempts of two team jobs are accepted, then fail as BigQuery fails a statement past the
    // table's queue of mutating DML: reason resourcesExceeded, with the message naming the table and limit.
    for (const d of p.dates.slice(0, 2)) server.failJob(expectedJobId('c2', 'team', d), 'tooManyDml');
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', 'c2'], {
      env: { ...p.env, PHASED_BQ_RATE_LIMIT_WAIT_MS: '10' },
    });
    expect(r.stdout).toContain('run c2 (bq-e2e): succeeded');
    expect(r.code).toBe(0);
    const events = readEvents(p.db, 'c2');
    const failed = events.filter((e) => e.type === 'UNIT_FAILED' && e.data.step === 'team');
    expect(failed).toHaveLength(2);
    for (const e of failed) {
      const error = e.data.error as { code: string; details?: { reasons?: string[]; throttle?: string } };
      expect(error.code).toBe('RATE_LIMIT');
      expect(error.details?.reasons).toContain('resourcesExceeded');
      expect(error.details?.throttle).toBe('tooManyDml');
    }
    const changes = events
      .filter((e) => e.type === 'CONCURRENCY_CHANGED' && e.data.step === 'team')
      .map((e) => [e.data.from, e.data.to, e.data.cause]);
    expect(changes.slice(0, 2)).toEqual([
      [4, 2, 'tooManyDml'],
      [2, 1, 'tooManyDml'],
    ]);
  });
});
