// Exactly one write per partition on BigQuery, even across kills: an insert whose answer was lost (503 after
// BigQuery accepted it) is reconciled by job id before any new attempt, wherever the driver is killed and
// however often jobs.get fails on the way. Each resumed run must end as a clean run does.
import { beforeAll, describe, expect, it } from 'vitest';
import { type BqProject, expectedJobId, makeBqProject } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import {
  exited,
  type LoggedRow,
  readEvents,
  runCliAsync,
  startCli,
  tempDir,
  waitFor,
} from '../support/cli.js';
import { checkExactlyOnce, inDoubtUnits } from '../support/log-checks.js';

const RUN = 'once';
const OPTS = { dates: 3, concurrency: 2 };

/** Accepted materialize jobs by destination partition (`dataset.table$YYYYMMDD`). */
function jobsByPartition(server: BqServer): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const j of server.jobs.values()) {
    if (!j.destination) continue;
    const key = `${j.destination.datasetId}.${j.destination.tableId}`;
    out[key] = [...(out[key] ?? []), j.jobId];
  }
  return out;
}

function writtenOf(server: BqServer): Record<string, string[]> {
  return Object.fromEntries([...server.written].map(([t, days]) => [t, [...days].sort()]));
}

/** The log so far, while a child may still be creating it (polling only). */
function eventsSoFar(db: string): LoggedRow[] {
  try {
    return readEvents(db, RUN);
  } catch {
    return [];
  }
}

const unitEvents = (events: LoggedRow[], step: string, partition: string, fromSeq = 0) =>
  events.filter(
    (e) =>
      e.seq > fromSeq && e.type.startsWith('UNIT_') && e.data.step === step && e.data.partition === partition,
  );

let reference: { written: Record<string, string[]>; partitions: string[]; state: unknown };

beforeAll(async () => {
  const server = await startBqServer();
  try {
    const p = makeBqProject(tempDir('phased-bq-once-ref-'), server, OPTS);
    const r = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', RUN], { env: p.env });
    expect(r.code, r.stderr).toBe(0);
    const events = readEvents(p.db, RUN);
    reference = {
      written: writtenOf(server),
      partitions: Object.keys(jobsByPartition(server)).sort(),
      state: events.at(-1)?.state,
    };
  } finally {
    await server.close();
  }
});

/** Resume to the end; the run must equal a clean run, every partition written by exactly one job. */
async function resumeToEnd(p: BqProject, server: BqServer): Promise<LoggedRow[]> {
  const r = await runCliAsync(['--db', p.db, 'resume', RUN], { env: p.env });
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code, r.stderr).toBe(0);
  const verify = await runCliAsync(['--db', p.db, 'replay', RUN, '--verify'], { env: p.env });
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  const events = checkExactlyOnce(p.db, RUN);
  const byPartition = jobsByPartition(server);
  expect(Object.keys(byPartition).sort()).toEqual(reference.partitions);
  for (const [partition, ids] of Object.entries(byPartition)) {
    expect(ids, `jobs that wrote ${partition}`).toHaveLength(1);
  }
  const inserted = server.inserts.filter((j) => j.destination).map((j) => j.jobId);
  expect(new Set(inserted).size, 'no job id was inserted twice').toBe(inserted.length);
  expect(writtenOf(server)).toEqual(reference.written);
  expect(events.at(-1)?.state).toEqual(reference.state);
  expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
  return events;
}

const lastAttach = (events: LoggedRow[]) => events.findLast((e) => e.type === 'DRIVER_ATTACHED')?.seq ?? 0;

const waitCases = [
  { name: 'kill -9 from outside during the retry wait', crashAt: undefined, getFailures: 0 },
  {
    name: 'crash in the retry wait; on resume jobs.get fails 8 times (past one look-up)',
    crashAt: 'in-retry-wait',
    getFailures: 8,
  },
  {
    name: 'crash just before the look-up; on resume jobs.get fails twice',
    crashAt: 'before-reconcile',
    getFailures: 2,
  },
];

describe('bigquery: one job per partition across kills', () => {
  for (const c of waitCases) {
    it(`lost insert answer, ${c.name}: resume attaches to the accepted job`, async () => {
      const server = await startBqServer();
      try {
        const p = makeBqProject(tempDir('phased-bq-once-'), server, OPTS);
        const d1 = p.dates[0];
        const lost = expectedJobId(RUN, 'player', d1);
        server.fail({ on: 'insert', jobId: lost, kind: 'unavailableAfterAccept' });
        // Outside kill: a retry wait of 5–10 minutes, so the kill lands inside it.
        const env =
          c.crashAt === undefined
            ? { ...p.env, PHASED_BACKOFF_BASE_MS: '600000', PHASED_BACKOFF_MAX_MS: '600000' }
            : { ...p.env, PHASED_CRASH_AT: c.crashAt };
        const child = startCli(['--db', p.db, 'run', p.plan, '--run-id', RUN], { env });
        if (c.crashAt === undefined) {
          await waitFor(
            () =>
              eventsSoFar(p.db).some(
                (e) => e.type === 'UNIT_FAILED' && e.data.partition === d1 && Number(e.data.retryInMs) > 0,
              ),
            'the lost insert logged as a retryable failure',
          );
          child.kill('SIGKILL');
        }
        expect((await exited(child)).signal).toBe('SIGKILL');

        // Before: attempt 1 was accepted by BigQuery, the log holds it as failed and waiting for a retry.
        expect(server.jobs.has(lost)).toBe(true);
        const before = unitEvents(readEvents(p.db, RUN), 'player', d1);
        expect(before.map((e) => [e.type, e.data.attempt])).toEqual([
          ['UNIT_STARTED', 1],
          ['UNIT_FAILED', 1],
        ]);
        expect(before[1].data).toMatchObject({ error: { code: 'BACKEND', retryable: true }, final: false });

        if (c.getFailures > 0) {
          server.fail({ on: 'get', jobId: lost, kind: 'backendError', times: c.getFailures - 1 });
          server.fail({ on: 'get', jobId: lost, kind: 'rateLimitExceeded' });
        }
        const events = await resumeToEnd(p, server);
        const after = unitEvents(events, 'player', d1, lastAttach(events));
        // Never a second attempt: looked up (through any transient failures), attached, reconciled.
        expect(after.every((e) => e.data.attempt === 1)).toBe(true);
        expect(after.filter((e) => e.type === 'UNIT_STARTED').map((e) => e.data)).toEqual([
          expect.objectContaining({ reason: 'in-doubt', jobRef: lost }),
        ]);
        expect(after.at(-1)).toMatchObject({
          type: 'UNIT_SUCCEEDED',
          data: { attempt: 1, reconciled: true, rows: 12 },
        });
        expect(server.jobs.has(expectedJobId(RUN, 'player', d1, 2))).toBe(false);
        const lookupFailures = after.filter((e) => e.type === 'UNIT_FAILED');
        // Eight failed look-ups exhaust one look-up's retries: logged as a retryable failure, not "not found".
        expect(lookupFailures.length).toBe(c.getFailures > 5 ? 1 : 0);
        for (const f of lookupFailures) {
          expect(f.data).toMatchObject({ final: false, error: { retryable: true } });
          expect(String((f.data.error as { message: string }).message)).toContain(`looking up job ${lost}`);
        }
      } finally {
        await server.close();
      }
    });
  }

  it('kill -9 while attached to the still-running job before a retry: resume waits for it', async () => {
    const server = await startBqServer();
    try {
      const p = makeBqProject(tempDir('phased-bq-once-held-'), server, OPTS);
      const d1 = p.dates[0];
      const lost = expectedJobId(RUN, 'player', d1);
      server.fail({ on: 'insert', jobId: lost, kind: 'unavailableAfterAccept' });
      server.hold();
      const child = startCli(['--db', p.db, 'run', p.plan, '--run-id', RUN], { env: p.env });
      // The retry's look-up found the accepted job running and logged the attempt in doubt again.
      await waitFor(
        () =>
          unitEvents(eventsSoFar(p.db), 'player', d1).some(
            (e) => e.type === 'UNIT_STARTED' && e.data.reason === 'in-doubt',
          ),
        'the running job attached before any retry',
      );
      child.kill('SIGKILL');
      expect((await exited(child)).signal).toBe('SIGKILL');
      const before = unitEvents(readEvents(p.db, RUN), 'player', d1);
      expect(before.map((e) => [e.type, e.data.attempt, e.data.reason ?? null])).toEqual([
        ['UNIT_STARTED', 1, 'first'],
        ['UNIT_FAILED', 1, null],
        ['UNIT_STARTED', 1, 'in-doubt'],
      ]);

      server.release();
      const events = await resumeToEnd(p, server);
      const after = unitEvents(events, 'player', d1, lastAttach(events));
      expect(after.map((e) => [e.type, e.data.attempt, e.data.reconciled ?? null])).toEqual([
        ['UNIT_SUCCEEDED', 1, true],
      ]);
      // Every unit in flight at the kill had an accepted job: each one attached, none re-run.
      const doubt = inDoubtUnits(events);
      expect(doubt.length).toBeGreaterThanOrEqual(2);
      for (const d of doubt) expect(d.resolvedBy).toEqual(['UNIT_SUCCEEDED', 'true']);
    } finally {
      await server.close();
    }
  });

  it('an in-doubt unit whose jobs.get fails transiently is attached, not re-run', async () => {
    const server = await startBqServer();
    try {
      const p = makeBqProject(tempDir('phased-bq-once-doubt-'), server, OPTS);
      const crashed = await runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', RUN], {
        env: { ...p.env, PHASED_CRASH_AT: 'after-warehouse-commit' },
      });
      expect(crashed.signal).toBe('SIGKILL');
      // The unit whose job finished but whose success was never logged.
      const open = new Map<string, LoggedRow>();
      for (const e of readEvents(p.db, RUN)) {
        const key = `${e.data.step}/${e.data.partition}`;
        if (e.type === 'UNIT_STARTED') open.set(key, e);
        if (e.type === 'UNIT_SUCCEEDED' || e.type === 'UNIT_FAILED') open.delete(key);
      }
      const done = [...open.values()].filter((e) => server.jobs.has(String(e.data.jobRef)));
      expect(done.length).toBeGreaterThanOrEqual(1);
      for (const e of done) {
        server.fail({ on: 'get', jobId: String(e.data.jobRef), kind: 'backendError', times: 3 });
      }

      const events = await resumeToEnd(p, server);
      const from = lastAttach(events);
      for (const e of done) {
        const step = String(e.data.step);
        const partition = String(e.data.partition);
        expect(unitEvents(events, step, partition, from).map((x) => [x.type, x.data.attempt])).toEqual([
          ['UNIT_SUCCEEDED', 1],
        ]);
        expect(server.jobs.has(expectedJobId(RUN, step, partition, 2))).toBe(false);
      }
    } finally {
      await server.close();
    }
  });
});
