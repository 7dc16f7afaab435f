// The console's cost and pace figures against the local BigQuery server: a run whose team step is slowed by an
// injected 403 rateLimitExceeded and which its budget pauses at phase 2's first unit (phase 1's eight units
// bill 80 MiB, a 10 MB minimum each; the budget is 85 MiB). The run API's concurrency limits, ETAs and budget
// equal `status --json`'s; the pause's figures are the PAUSED event's and its command raises the budget; the
// estimate route's figures are `run --dry-run --json`'s for the steps a dry run can estimate before the run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EstimateResponse, RunDetail, RunListItem } from '../../src/console/api-types.js';
import type { Estimate } from '../../src/cost/index.js';
import { expectedJobId, makeBqProject } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import { readEvents, runCliAsync, startCli, tempDir, waitFor } from '../support/cli.js';

const MIB = 2 ** 20;

interface StatusJson {
  status: string;
  steps: { id: string; concurrency: number; configuredConcurrency: number }[];
  usage?: { bytesBilled: number; bytesProcessed: number; slotMs: number };
  maxBytesBilled?: number;
  eta: { run?: number; remaining: number; steps: Record<string, { eta?: number; remaining: number }> };
}

/** What `phased run --dry-run --json` prints as `estimate`: the estimate module's own shape. */
type DryRunEstimate = Estimate;

describe('console cost figures (BigQuery)', () => {
  let server: BqServer;
  beforeEach(async () => {
    server = await startBqServer();
  });
  afterEach(() => server.close());

  it('shows the adaptive limits, ETAs and budget as status --json does, the pause with its command, and the estimate', async () => {
    const p = makeBqProject(tempDir('phased-console-cost-'), server, {
      dates: 4,
      concurrency: 2,
      retries: 3,
    });
    server.dryRunBytes = undefined; // bytes by BigQuery's rules: each unit is billed the 10 MB minimum
    const env = { ...p.env, PHASED_BQ_RATE_LIMIT_WAIT_MS: '10' };
    const dry = await runCliAsync(['--db', p.db, '--json', 'run', p.plan, '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    const before = (JSON.parse(dry.stdout) as { estimate: DryRunEstimate }).estimate;

    server.fail({ on: 'insert', jobId: expectedJobId('m1', 'team', p.dates[0]), kind: 'rateLimitExceeded' });
    const run = await runCliAsync(
      ['--db', p.db, 'run', p.plan, '--run-id', 'm1', '--max-bytes-billed', '85MiB'],
      { env },
    );
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.code, run.stdout).toBe(3);
    const log = readEvents(p.db, 'm1');
    expect(log.filter((e) => e.type === 'CONCURRENCY_CHANGED').map((e) => [e.data.step, e.data.to])).toEqual([
      ['team', 1],
    ]);
    const paused = log.filter((e) => e.type === 'PAUSED').at(-1)!;
    expect(paused.data.reason).toBe('budget');

    const ui = startCli(['--db', p.db, 'ui', '--http', '127.0.0.1:0'], { env });
    let err = '';
    ui.stderr?.on('data', (d) => {
      err += d;
    });
    try {
      const base = await waitFor(() => /http (http:\/\/\S+)/.exec(err)?.[1], 'ui address');
      const get = async <T>(path: string): Promise<T> => {
        const r = await fetch(new URL(path, base));
        expect(r.status, path).toBe(200);
        return (await r.json()) as T;
      };
      const detail = await get<RunDetail>('/api/runs/m1');
      const st = await runCliAsync(['--db', p.db, '--json', 'status', 'm1'], { env });
      const status = JSON.parse(st.stdout) as StatusJson;
      expect(detail.headSeq).toBe(log.length);

      // Concurrency: the limit now next to the plan's cap, as status shows them; team was halved to 1 of 2.
      expect(detail.steps.map((s) => [s.id, s.concurrencyLimit, s.concurrency])).toEqual(
        status.steps.map((s) => [s.id, s.concurrency, s.configuredConcurrency]),
      );
      expect(detail.steps.find((s) => s.id === 'team')).toMatchObject({
        concurrencyLimit: 1,
        concurrency: 2,
      });

      // ETA per step and for the run: status's numbers (undefined there is null here).
      expect(detail.runEta).toEqual({ remaining: status.eta.remaining, seconds: status.eta.run ?? null });
      expect(detail.runEta.remaining).toBe(4);
      expect(detail.runEta.seconds).not.toBeNull();
      for (const s of detail.steps) {
        const e = status.eta.steps[s.id];
        expect(s.eta, s.id).toEqual({ remaining: e.remaining, seconds: e.eta ?? null });
      }
      // The runs list (and the live stream's head, built from the same item) shows status's ETA too, not a pace
      // of its own; a paused run points at no end time.
      const listed = (await get<RunListItem[]>('/api/runs')).find((r) => r.runId === 'm1');
      expect(listed?.eta).toMatchObject({ remaining: status.eta.remaining, seconds: status.eta.run ?? null });
      expect(listed?.eta.seconds).toBe(detail.runEta.seconds);
      expect(listed?.eta).toMatchObject({ remainingMs: null, at: null });

      // Budget: maximum and billed as status shows them; nothing runs while paused, so remaining = max − billed.
      const figures = paused.data.budget as {
        maxBytesBilled: number;
        bytesBilled: number;
        runningEstimate: number;
        next: { step: string; partition: string; estimatedBytes: number };
      };
      expect(detail.budget.maxBytesBilled).toBe(status.maxBytesBilled);
      expect(detail.budget.maxBytesBilled).toBe(85 * MIB);
      expect(detail.budget.bytesBilled).toBe(status.usage?.bytesBilled);
      expect(detail.budget.bytesProcessed).toBe(status.usage?.bytesProcessed);
      expect(detail.budget.slotMs).toBe(status.usage?.slotMs);
      expect(detail.budget.bytesBilled).toBe(80 * MIB);
      expect(detail.budget.runningEstimate).toBe(0);
      expect(detail.budget.remaining).toBe(85 * MIB - detail.budget.bytesBilled);
      expect(detail.budget.pause?.seq).toBe(paused.seq);
      expect(detail.budget.pause?.figures).toEqual(figures);
      expect(detail.budget.pause?.message).toContain('paused by its budget');
      const needed = figures.bytesBilled + figures.runningEstimate + figures.next.estimatedBytes;
      expect(needed).toBeGreaterThan(85 * MIB);
      const command = detail.budget.pause?.command ?? '';
      expect(command).toMatch(new RegExp(`resume m1 --db \\S+ --max-bytes-billed ${needed}$`));

      // The estimate: the dry run's code over the run's baseline. Steps a dry run estimates before the run
      // (they read only source tables) get the same figures; `features` reads tables the run creates.
      const est = await get<EstimateResponse>('/api/runs/m1/estimate');
      expect(est.error).toBeNull();
      expect(est.kind).toBe('bytes');
      expect(est.estimate?.pricePerTiB).toBe(before.pricePerTiB);
      expect(est.estimate?.sampleSize).toBe(before.sampleSize);
      expect(est.estimate?.notEstimated).toEqual(before.notEstimated);
      for (const id of ['team', 'player']) {
        const a = est.estimate?.steps.find((s) => s.step === id);
        const b = before.steps.find((s) => s.step === id);
        expect(b?.bytes, id).toBeGreaterThan(0);
        expect(a, id).toEqual(b);
      }

      const args = command.slice(command.indexOf(' resume ') + 1).split(' ');
      // What the log records as units start: each unit's latest estimate, summed per step.
      const recorded = new Map<string, { step: string; units: number; estimatedBytes: number }>();
      const latest = new Map<string, { step: string; bytes: number }>();
      for (const e of log.filter((x) => x.type === 'UNIT_STARTED')) {
        latest.set(`${e.data.step}/${e.data.partition}`, {
          step: String(e.data.step),
          bytes: Number(e.data.estimatedBytes),
        });
      }
      for (const u of latest.values()) {
        const r = recorded.get(u.step) ?? { step: u.step, units: 0, estimatedBytes: 0 };
        r.units++;
        r.estimatedBytes += u.bytes;
        recorded.set(u.step, r);
      }
      expect(est.recorded).toEqual([...recorded.values()]);
      // Phase 1's eight units, 10 MB each; phase 2's first was refused before it started.
      expect(est.recorded.map((r) => [r.step, r.units, r.estimatedBytes]).sort()).toEqual([
        ['player', 4, 40 * MIB],
        ['team', 4, 40 * MIB],
      ]);

      // The page's command raises the budget on record, and the refused unit then runs.
      const resumed = await runCliAsync(args, { env });
      expect(resumed.stderr).not.toMatch(/internal error|\n\s+at /);
      const after = readEvents(p.db, 'm1');
      const raised = after.filter((e) => e.type === 'BUDGET_CHANGED').at(-1)!;
      expect(raised.data.maxBytesBilled).toBe(needed);
      expect(
        after.some(
          (e) =>
            e.seq > raised.seq &&
            e.type === 'UNIT_SUCCEEDED' &&
            e.data.step === figures.next.step &&
            e.data.partition === figures.next.partition,
        ),
      ).toBe(true);
    } finally {
      ui.kill('SIGTERM');
      await new Promise((r) => ui.once('exit', r));
    }
  });
});
