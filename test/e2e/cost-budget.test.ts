// The budget: every job carries maximumBytesBilled, UNIT_SUCCEEDED records the job's statistics, the run
// pauses at the exact unit whose estimate would pass the budget, and resume --max-bytes-billed raises it on
// record. Bytes billed are the test server's, by BigQuery's on-demand rule (10 MB minimum per table read).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectedJobId, makeBqProject, STEP_SQL } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { readEvents, runCliAsync, tempDir, waitFor } from '../support/cli.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/**
 * Four units ask the budget (35 MiB, 10 MiB each) while nothing has billed: jobs are held, so three are
 * admitted and one is refused. The first attempt of each step's first unit fails with a 403
 * rateLimitExceeded once released, freeing its reservation; the others bill 10 MiB each.
 */
async function refusalThenFailure(server: BqServer, runId: string, env: Record<string, string> = {}) {
  const p = makeBqProject(tempDir('phased-budget-403-'), server, { dates: 4, concurrency: 2 });
  server.dryRunBytes = undefined;
  for (const step of ['team', 'player'] as const) {
    server.failJob(expectedJobId(runId, step, p.dates[0]), 'rateLimitExceeded');
  }
  server.hold();
  const run = runCliAsync(['--db', p.db, 'run', p.plan, '--run-id', runId, '--max-bytes-billed', '35MiB'], {
    env: { ...p.env, PHASED_BQ_RATE_LIMIT_WAIT_MS: '10', ...env },
  });
  const unitDryRuns = () =>
    server.dryRuns.filter((d) => d.query === STEP_SQL.team || d.query === STEP_SQL.player).length;
  await waitFor(
    () => server.inserts.filter((j) => j.destination).length === 3 && unitDryRuns() >= 4,
    'three units started and a fourth asked the budget',
  );
  server.release();
  return { p, r: await run };
}

/** The run paused once, when the next unit truly would pass 35 MiB: 30 MiB billed + nothing running + 10 MiB. */
function expectJustifiedPause(events: ReturnType<typeof readEvents>) {
  const ok = events.filter((e) => e.type === 'UNIT_SUCCEEDED');
  expect(ok).toHaveLength(3);
  const paused = events.filter((e) => e.type === 'PAUSED');
  expect(paused).toHaveLength(1);
  const figures = paused[0].data.budget as {
    maxBytesBilled: number;
    bytesBilled: number;
    runningEstimate: number;
    next: { estimatedBytes: number };
  };
  expect(figures).toMatchObject({ maxBytesBilled: 35 * MIB, bytesBilled: 30 * MIB, runningEstimate: 0 });
  expect(figures.next.estimatedBytes).toBe(10 * MIB);
  const billed = ok.reduce((n, e) => n + Number(e.data.bytesBilled), 0);
  expect(billed).toBe(figures.bytesBilled);
  expect(billed + figures.runningEstimate + figures.next.estimatedBytes).toBeGreaterThan(35 * MIB);
}

describe('budget (BigQuery)', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('pauses before the unit that would pass the budget, records job statistics, and resumes when raised', async () => {
    const p = makeBqProject(tempDir('phased-budget-'), server, { dates: 4, concurrency: 1 });
    server.dryRunBytes = undefined;
    // Each unit reads one small table: BigQuery bills it the 10 MB minimum. 35 MiB admits three units.
    const r = await runCliAsync(
      ['--db', p.db, 'run', p.plan, '--run-id', 'b1', '--max-bytes-billed', '35MiB'],
      { env: p.env },
    );
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/paused by its budget: .*past the budget of 35\.0 MiB/);
    expect(r.stdout).toContain('phased resume b1 --db');

    const events = readEvents(p.db, 'b1');
    const changed = events.filter((e) => e.type === 'BUDGET_CHANGED');
    expect(changed.map((e) => [e.data.from, e.data.maxBytesBilled])).toEqual([[null, 35 * MIB]]);
    const ok = events.filter((e) => e.type === 'UNIT_SUCCEEDED');
    expect(ok).toHaveLength(3);
    const started = events.filter((e) => e.type === 'UNIT_STARTED');
    expect(started).toHaveLength(3);
    for (const e of ok) {
      const jobId = expectedJobId('b1', String(e.data.step), String(e.data.partition));
      const st = server.stats(jobId)!;
      expect(st.billed).toBe(10 * MIB);
      expect(e.data.bytesBilled).toBe(st.billed);
      expect(e.data.bytesProcessed).toBe(st.processed);
      expect(e.data.slotMs).toBe(st.slotMs);
    }
    const paused = events.find((e) => e.type === 'PAUSED')!;
    expect(paused.data.reason).toBe('budget');
    const figures = paused.data.budget as {
      maxBytesBilled: number;
      bytesBilled: number;
      runningEstimate: number;
      next: { estimatedBytes: number };
    };
    expect(figures.maxBytesBilled).toBe(35 * MIB);
    expect(figures.bytesBilled).toBe(30 * MIB);
    expect(figures.runningEstimate).toBe(0);
    expect(figures.next.estimatedBytes).toBe(10 * MIB);
    // The paused run started no fourth job.
    expect(server.inserts.filter((j) => j.destination)).toHaveLength(3);

    const again = await runCliAsync(['--db', p.db, 'resume', 'b1', '--max-bytes-billed', '1GiB'], {
      env: p.env,
    });
    expect(again.code).toBe(0);
    const all = readEvents(p.db, 'b1');
    const raised = all.filter((e) => e.type === 'BUDGET_CHANGED').at(-1)!;
    expect(raised.data).toMatchObject({ from: 35 * MIB, maxBytesBilled: GIB, reason: '--max-bytes-billed' });
    const resumed = all.findIndex((e) => e.type === 'RESUMED');
    expect(all.indexOf(raised)).toBeLessThan(resumed);
    expect(all.filter((e) => e.type === 'UNIT_SUCCEEDED')).toHaveLength(12);
    // Every materialize job carried maximumBytesBilled: its estimate × 1.5, at least 1 GiB; and the same cap
    // is on record in its UNIT_STARTED.
    const jobs = server.inserts.filter((j) => j.destination);
    expect(jobs).toHaveLength(12);
    for (const j of jobs) {
      const est = server.stats(j.jobId)!.billed; // the dry run's processed bytes rounded as billed
      expect(j.maximumBytesBilled).toBe(String(Math.max(Math.ceil(est * 1.5), GIB)));
    }
    for (const e of all.filter((x) => x.type === 'UNIT_STARTED')) {
      expect(e.data.estimatedBytes).toBe(10 * MIB);
      expect(e.data.maxBytesBilled).toBe(GIB);
    }
  });

  it('keeps the budget across a kill -9 after a unit started: the resumed run writes each partition once', async () => {
    const p = makeBqProject(tempDir('phased-budget-kill-'), server, { dates: 4, concurrency: 1 });
    server.dryRunBytes = undefined;
    const first = await runCliAsync(
      ['--db', p.db, 'run', p.plan, '--run-id', 'k1', '--max-bytes-billed', '35MiB'],
      { env: { ...p.env, PHASED_CRASH_AT: 'after-unit-started:2' } },
    );
    expect(first.signal).toBe('SIGKILL');
    const resumed = await runCliAsync(['--db', p.db, 'resume', 'k1'], { env: p.env });
    expect(resumed.code).toBe(3);
    const events = readEvents(p.db, 'k1');
    // The budget given to the first driver holds for the second (no new BUDGET_CHANGED).
    expect(events.filter((e) => e.type === 'BUDGET_CHANGED')).toHaveLength(1);
    const ok = events.filter((e) => e.type === 'UNIT_SUCCEEDED');
    expect(ok).toHaveLength(3);
    expect(ok.reduce((n, e) => n + Number(e.data.bytesBilled), 0)).toBe(30 * MIB);
    const paused = events.filter((e) => e.type === 'PAUSED');
    expect(paused.at(-1)?.data.reason).toBe('budget');
    const written = server.writes.map((w) => `${w.table}/${w.partition}`);
    expect(new Set(written).size).toBe(written.length);
    expect(written).toHaveLength(3);
  });

  it('a refusal whose room a failed attempt frees does not pause the run: it pauses later, on figures past the budget', async () => {
    const { p, r } = await refusalThenFailure(server, 'b3');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(3);
    const events = readEvents(p.db, 'b3');
    const failed = events.filter((e) => e.type === 'UNIT_FAILED');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(
      failed.every((e) => (e.data.error as { message: string }).message.includes('rateLimitExceeded')),
    ).toBe(true);
    // The run went on after the failure freed room, and paused later on figures past the budget.
    expectJustifiedPause(events);
    // The suggested budget is above the current one.
    const suggested = Number(/--max-bytes-billed (\d+)/.exec(r.stdout)?.[1]);
    expect(suggested).toBe(40 * MIB);
    expect(suggested).toBeGreaterThan(35 * MIB);
    const written = server.writes.map((w) => `${w.table}/${w.partition}`);
    expect(new Set(written).size).toBe(written.length);
    expect(written).toHaveLength(3);
  });

  it("kill -9 in the failed attempt's retry wait while a unit is refused: the resumed run pauses on the same figures, each partition written once", async () => {
    const { p, r } = await refusalThenFailure(server, 'k3', { PHASED_CRASH_AT: 'in-retry-wait:1' });
    expect(r.signal).toBe('SIGKILL');
    expect(readEvents(p.db, 'k3').some((e) => e.type === 'PAUSED')).toBe(false);
    const resumed = await runCliAsync(['--db', p.db, 'resume', 'k3'], {
      env: { ...p.env, PHASED_BQ_RATE_LIMIT_WAIT_MS: '10' },
    });
    expect(resumed.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(resumed.code).toBe(3);
    expectJustifiedPause(readEvents(p.db, 'k3'));
    const written = server.writes.map((w) => `${w.table}/${w.partition}`);
    expect(new Set(written).size).toBe(written.length);
    expect(written).toHaveLength(3);

    // Raised, the run finishes: every partition written exactly once.
    const done = await runCliAsync(['--db', p.db, 'resume', 'k3', '--max-bytes-billed', '1GiB'], {
      env: { ...p.env, PHASED_BQ_RATE_LIMIT_WAIT_MS: '10' },
    });
    expect(done.code).toBe(0);
    const all = server.writes.map((w) => `${w.table}/${w.partition}`);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(12);
  });
});
