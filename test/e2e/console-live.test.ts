// The console in a real Chromium against a real daemon driving a real run (a small synthetic plan whose
// command step sleeps, so the run is alive while the page acts, and fails for good on one date).
// Everything waits for conditions; nothing is timed.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeIds } from '../../src/console/web/coverage.js';
import { type BqProject, makeBqProject } from '../support/bq-e2e.js';
import { type BqServer, startBqServer } from '../support/bq-server.js';
import {
  buildConsoleBundle,
  horizontalOverflow,
  launchBrowser,
  type PageWatch,
  screenshotDir,
  watchPage,
} from '../support/browser.js';
import { runCli, runCliAsync, startCli } from '../support/cli.js';
import { events, slowProject, tmp, waitFor } from '../support/ops.js';
import { dateList } from '../support/synthetic.js';

const TOKEN = 'console-test-token';
const ENV = { PHASED_LEASE_MS: '3000', PHASED_HTTP_TOKEN: TOKEN };
const RUN = 'web';

interface StepJson {
  id: string;
  done: number;
  failed: number;
  pending: number;
  total: number;
}

let dir: string;
let db: string;
let dates: string[];
let daemon: ChildProcess;
let daemonErr = '';
let url: string;
let browser: Browser;
let page: Page;
let watch: PageWatch;
let shots: string;
/** A BigQuery project whose run (in the same database) its budget pauses: the page shows its cost figures. */
let bq: BqServer;
let bqProject: BqProject;
let bqRun: ReturnType<typeof runCliAsync>;

const cli = (args: string[]) => runCli(['--db', db, ...args], { env: ENV });
const statusJson = () =>
  JSON.parse(cli(['status', RUN, '--json']).stdout) as { status: string; steps: StepJson[] };
const activeOnPage = async (p: Page, scope = '[data-testid=run-page] [data-testid=statechart]') =>
  ((await p.locator(scope).first().getAttribute('data-active')) ?? '').split(' ').filter(Boolean).sort();

beforeAll(async () => {
  buildConsoleBundle();
  dir = tmp('phased-console-');
  db = join(dir, 'phased.db');
  // The command step fails for good on the last date (flaky, with no retry left): after the pause and resume
  // (a resume re-opens failed units), so the failure stays, table e misses that date and gate p2 blocks.
  dates = dateList(14);
  const project = slowProject(join(dir, 'p'), {
    dates: dates.length,
    sleepMs: 400,
    concurrency: 1,
    flaky: [dates[dates.length - 1]],
    retries: 0,
    minCoverage: 0.9,
  });
  expect(cli(['run', project.plan, '--run-id', RUN, '--detach']).code).toBe(0);
  // The daemon reaches the local BigQuery server too, so its console can estimate the BigQuery run.
  bq = await startBqServer();
  mkdirSync(join(dir, 'bq'));
  bqProject = makeBqProject(join(dir, 'bq'), bq, { dates: 4, concurrency: 1 });
  bq.dryRunBytes = undefined;
  daemon = startCli(['--db', db, 'daemon', '--http', '127.0.0.1:0'], { env: { ...bqProject.env, ...ENV } });
  daemon.stderr?.on('data', (d) => {
    daemonErr += d;
  });
  daemon.stdout?.on('data', (d) => {
    daemonErr += d;
  });
  url = await waitFor(() => /(http:\/\/127\.0\.0\.1:\d+)/.exec(daemonErr)?.[1], 'the console address');
  // Driven by its own process alongside the daemon's run: four units of 10 MB billed each (BigQuery's minimum)
  // against 35 MiB, so the fourth is refused and the run pauses; the last test opens it.
  // It keeps the default lease (not the daemon's short one), so a busy machine never hands it to the daemon.
  bqRun = runCliAsync(['--db', db, 'run', bqProject.plan, '--run-id', 'bq', '--max-bytes-billed', '35MiB'], {
    env: bqProject.env,
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  watch = watchPage(page);
  shots = screenshotDir('console');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (daemon && daemon.exitCode === null) {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
  }
  await bq?.close();
});

describe('the console in a browser', () => {
  it('draws the live run: the statechart mark moves as the run advances', async () => {
    await page.goto(`${url}/#run=${RUN}&tab=overview`);
    await page.locator('[data-testid=statechart] g[data-active=true]').first().waitFor();
    await page.locator('[data-testid=heatmap] canvas').first().waitFor();
    const first = await activeOnPage(page);
    expect(first).toContain('run.active');
    // The mark follows the log: wait until the page shows the command step running, then phase p2 or the end.
    await waitForPage(
      async () => (await activeOnPage(page)).some((id) => id.endsWith('step:c.running')),
      'c running',
    );
    await page.screenshot({ path: join(shots, '1-overview-running.png'), fullPage: true });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('pauses the run from the page and resumes it', async () => {
    await page.getByLabel('console token').fill(TOKEN);
    await page.getByLabel('reason', { exact: true }).fill('checking the warehouse');
    await page.getByRole('button', { name: '⏸ Pause' }).click();
    await waitFor(
      () => events(db, RUN).find((e) => e.type === 'PAUSE_REQUESTED' && e.data.by === 'http'),
      'PAUSE_REQUESTED by http',
    );
    const req = events(db, RUN).find((e) => e.type === 'PAUSE_REQUESTED');
    expect(req?.data.reason).toBe('checking the warehouse');
    await waitFor(() => events(db, RUN).some((e) => e.type === 'PAUSED'), 'PAUSED');
    await page.locator('[data-testid=run-page][data-status=paused]').waitFor();
    await waitForPage(async () => (await activeOnPage(page)).includes('run.paused'), 'paused state drawn');
    await page.screenshot({ path: join(shots, '2-overview-paused.png'), fullPage: true });
    // A second pause is refused with the CLI's message, and nothing is appended.
    const before = events(db, RUN).length;
    await page.getByRole('button', { name: '⏸ Pause' }).click();
    await page.locator('[data-testid=control-message] .message.error').waitFor();
    expect(await page.locator('[data-testid=control-message]').first().textContent()).toMatch(
      /refused \(409\)/,
    );
    expect(events(db, RUN).length).toBe(before);
    await page.getByRole('button', { name: '▶ Resume' }).click();
    await waitFor(() => events(db, RUN).find((e) => e.type === 'RESUMED' && e.data.by === 'http'), 'RESUMED');
    const resumed = events(db, RUN).find((e) => e.type === 'RESUMED')?.seq ?? 0;
    await waitFor(
      () => events(db, RUN).some((e) => e.seq > resumed && e.type === 'UNIT_SUCCEEDED'),
      'a unit after resume',
    );
  });

  it('ends with the page showing the log: active states, heatmap cells and counters as status --json', async () => {
    await waitFor(
      () => ['blocked', 'succeeded', 'failed'].includes(statusJson().status),
      'the run settles',
      120_000,
    );
    const log = events(db, RUN);
    const last = log[log.length - 1];
    const expected = activeIds('run', JSON.parse(last.state)).sort();
    await waitForPage(
      async () => JSON.stringify(await activeOnPage(page)) === JSON.stringify(expected),
      'final state',
    );
    const status = statusJson();
    await page.locator(`[data-testid=run-page][data-status=${status.status}]`).waitFor();
    // One cell per (table, expected date).
    const heat = page.locator('[data-testid=heatmap]').first();
    expect(Number(await heat.getAttribute('data-rows'))).toBe(status.steps.length);
    expect(Number(await heat.getAttribute('data-dates'))).toBe(dates.length);
    expect(Number(await heat.getAttribute('data-cells'))).toBe(status.steps.length * dates.length);
    // Counters: the step table and the heatmap's legend agree with status --json.
    await waitForPage(
      async () => JSON.stringify(await stepTable(page)) === JSON.stringify(counters(status.steps)),
      'step counters',
    );
    const legend = async (k: string) =>
      Number(await heat.locator(`[data-kind=${k}]`).getAttribute('data-count'));
    expect(await legend('done')).toBe(status.steps.reduce((a, s) => a + s.done, 0));
    expect(await legend('failed')).toBe(status.steps.reduce((a, s) => a + s.failed, 0));
    expect(await legend('failed')).toBe(1);
    // Cost and pace as status computes them: each step's concurrency now of its cap and its ETA, the run's ETA.
    const figures = JSON.parse(cli(['status', RUN, '--json']).stdout) as StatusCost;
    await waitForPage(
      async () => JSON.stringify(await paceOnPage(page)) === JSON.stringify(paceOf(figures)),
      'concurrency and ETA per step',
    );
    const runEta = page.locator('[data-testid=run-eta]');
    expect(await runEta.getAttribute('data-remaining')).toBe(String(figures.eta.remaining));
    expect(await runEta.getAttribute('data-seconds')).toBe(String(figures.eta.run ?? ''));
    expect(await runEta.textContent()).toMatch(/^run ETA \(recent pace\): .+ for \d+ units left$/);
    expect(await page.locator('[data-testid=budget]').textContent()).toContain('no budget set');
    // On SQLite the estimate is rows and seconds, measured and labelled so; one row per step.
    const estimate = page.locator('[data-testid=estimate]');
    await estimate.locator('[data-testid=estimate-table]').waitFor();
    expect(await estimate.textContent()).toContain(
      'measured on this SQLite warehouse from the baseline (rows and seconds, not billed)',
    );
    expect(await estimate.locator('tr[data-step]').count()).toBe(status.steps.length);
    expect(await estimate.locator('th', { hasText: 'rows (measured)' }).count()).toBe(1);
    await page.screenshot({ path: join(shots, '3-overview-settled.png'), fullPage: true });
  });

  it('shows a failed cell with its error', async () => {
    const failure = events(db, RUN).find((e) => e.type === 'UNIT_FAILED');
    const error = failure?.data.error as { code: string; message: string };
    const canvas = page.locator('[data-testid=heatmap] canvas').first();
    const g = JSON.parse((await canvas.getAttribute('data-geometry')) ?? '{}');
    const rows = ((await canvas.getAttribute('data-steps')) ?? '').split(' ');
    // Unzoomed, the map shows every date of the range even though it was first drawn before the calendar was
    // known (a page opened at the run's start): the last column ends inside the canvas.
    const box = await canvas.boundingBox();
    expect(g.first).toBe(0);
    expect(g.left + g.cellW * dates.length).toBeLessThanOrEqual((box?.width ?? 0) + 1);
    const col = dates.indexOf(String(failure?.data.partition)) - g.first;
    await canvas.click({
      position: { x: g.left + (col + 0.5) * g.cellW, y: g.top + rows.indexOf('c') * g.rowH + g.rowH / 2 },
    });
    const detail = page.locator('[data-testid=cell-error]');
    await detail.waitFor();
    expect(await detail.textContent()).toContain(error.message);
    expect(await page.locator('[data-testid=cell-detail]').textContent()).toContain(
      String(failure?.data.partition),
    );
    await page.screenshot({ path: join(shots, '4-failed-cell.png'), fullPage: true });
  });

  it('refuses a POST without the token with 401 and appends nothing', async () => {
    const before = events(db, RUN).length;
    const status = await page.evaluate(
      async ([u, run]) => (await fetch(`${u}/api/runs/${run}/pause`, { method: 'POST', body: '{}' })).status,
      [url, RUN],
    );
    expect(status).toBe(401);
    expect(events(db, RUN).length).toBe(before);
  });

  it('travels to a seq and shows what replay --at prints', async () => {
    const log = events(db, RUN);
    const seq = log.find((e) => e.type === 'PAUSED')?.seq ?? Math.floor(log.length / 2);
    await page.getByRole('tab', { name: 'audit' }).click();
    await page.getByLabel('time travel: seq number').fill(String(seq));
    await page.getByRole('button', { name: 'Show state at seq' }).click();
    const view = page.locator(`[data-testid=travel-view][data-seq="${seq}"]`);
    await view.waitFor();
    const replay = JSON.parse(cli(['replay', RUN, '--at', String(seq), '--json']).stdout) as {
      status: string;
      state: unknown;
      steps: StepJson[];
    };
    expect(await view.getAttribute('data-status')).toBe(replay.status);
    expect(await stepTable(page, '[data-testid=travel-view]')).toEqual(counters(replay.steps));
    await waitForPage(
      async () =>
        JSON.stringify(await activeOnPage(page, '[data-testid=travel-view] [data-testid=statechart]')) ===
        JSON.stringify(activeIds('run', replay.state).sort()),
      'travel statechart',
    );
    await page.locator('[data-testid=chain] [data-ok=true]').waitFor();
    expect(await page.locator('[data-testid=head-hash]').textContent()).toMatch(/^[0-9a-f]{64}$/);
    await page.screenshot({ path: join(shots, '5-audit.png'), fullPage: true });
  });

  it('every view renders within 1,400 px, labelled and keyboard-reachable, with no errors', async () => {
    for (const tab of ['timeline', 'gates', 'failures', 'overview']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.locator(`[data-tab=${tab}][aria-selected=true]`).waitFor();
      if (tab === 'timeline') await page.locator('[data-testid=timeline]').waitFor();
      if (tab === 'failures') await page.locator('[data-testid=failures] [data-code]').first().waitFor();
      await page.screenshot({ path: join(shots, `6-${tab}.png`), fullPage: true });
      expect(await horizontalOverflow(page), tab).toBeLessThanOrEqual(0);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('button, input, select, [role=button], [role=tab]')]
          .filter((el) => {
            const e = el as HTMLElement;
            const named =
              e.getAttribute('aria-label') || e.textContent?.trim() || (e as HTMLInputElement).labels?.length;
            return !named || e.tabIndex < 0;
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled, tab).toEqual([]);
    }
    await page.goto(`${url}/`);
    await page.locator('[data-testid=runs] [data-run=web]').waitFor();
    await page.screenshot({ path: join(shots, '0-runs.png'), fullPage: true });
    // Chromium logs the two refusals the tests provoke on purpose (a second pause: 409; no token: 401).
    const provoked =
      /^Failed to load resource: the server responded with a status of (409 \(Conflict\)|401 \(Unauthorized\))$/;
    expect(watch.errors.filter((e) => !provoked.test(e))).toEqual([]);
    expect(watch.errors.length).toBe(2);
    // Requests the page itself cancels (the stream when it navigates away) are not failures.
    expect(
      watch.failed.filter((f) => !f.includes('/pause: HTTP 40') && !f.endsWith('net::ERR_ABORTED')),
    ).toEqual([]);
  });

  it('writes a report that opens offline with no network request and the same numbers', async () => {
    const file = join(dir, 'report.html');
    const r = cli(['report', RUN, '-o', file]);
    expect(r.code, r.stderr).toBe(0);
    const status = statusJson();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
    const network: string[] = [];
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('file:')) return route.continue();
      network.push(u);
      return route.abort();
    });
    const report = await context.newPage();
    const rw = watchPage(report);
    await report.goto(pathToFileURL(file).href);
    await report.locator('[data-testid=statechart] g[data-active=true]').first().waitFor();
    expect(await stepTable(report)).toEqual(counters(status.steps));
    expect(await report.locator('[data-testid=heatmap]').count()).toBe(2);
    const heat = report.locator('[data-testid=heatmap]').first();
    expect(Number(await heat.getAttribute('data-cells'))).toBe(status.steps.length * dates.length);
    expect(Number(await heat.locator('[data-kind=failed]').getAttribute('data-count'))).toBe(
      status.steps.reduce((a, s) => a + s.failed, 0),
    );
    expect((await activeOnPage(report)).sort()).toEqual(activeIds('run', statusOfRun().state).sort());
    await report.screenshot({ path: join(shots, '7-report.png'), fullPage: true });
    await report.getByRole('tab', { name: 'audit' }).click();
    await report.locator('[data-testid=chain] [data-ok=true]').waitFor();
    const head = events(db, RUN).at(-1);
    const rows = (await report.locator('[data-testid=human-actions] tr[data-type]').allTextContents()).join(
      '\n',
    );
    expect(rows).toContain('checking the warehouse');
    expect(rows).toContain('http');
    expect(await report.locator('[data-testid=head-hash]').textContent()).toBe(headHash(head?.seq ?? 0));
    await report.screenshot({ path: join(shots, '8-report-audit.png'), fullPage: true });
    // Nothing left the page: no http(s) request.
    expect(network).toEqual([]);
    expect(rw.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('blob:'))).toEqual([]);
    expect(rw.errors).toEqual([]);
    // The context goes with the browser in afterAll: the packaged Chromium runs --single-process, where
    // closing a second context takes the browser down.
  });

  it('shows a BigQuery run paused by its budget: the figures, the command to raise it, and the estimate', async () => {
    const r = await bqRun;
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const status = JSON.parse(cli(['status', 'bq', '--json']).stdout) as StatusCost;
    const paused = events(db, 'bq').findLast((e) => e.type === 'PAUSED');
    const f = paused?.data.budget as {
      bytesBilled: number;
      runningEstimate: number;
      next: { estimatedBytes: number };
    };
    await page.goto(`${url}/#run=bq&tab=overview`);
    const budget = page.locator('[data-testid=budget]');
    await budget.locator('[data-testid=budget-pause]').waitFor();
    // Its process exited paused: nobody drives it, and a daemon would not take a paused run.
    expect(await page.locator('[data-testid=run-summary] [data-k=driver]').textContent()).toBe('not driven');
    expect(await budget.getAttribute('data-max')).toBe(String(status.maxBytesBilled));
    expect(await budget.getAttribute('data-billed')).toBe(String(status.usage?.bytesBilled));
    const cell = async (k: string) => budget.locator(`[data-k=${k}]`).textContent();
    expect(await cell('max')).toBe(`35.0 MiB (${35 * 2 ** 20} bytes)`);
    expect(await cell('billed')).toBe(`30.0 MiB (${30 * 2 ** 20} bytes)`);
    expect(await cell('running')).toBe('0 bytes');
    expect(await cell('remaining')).toBe(`5.0 MiB (${5 * 2 ** 20} bytes)`);
    for (const label of ['maximum', 'billed so far', "running jobs' estimates", 'remaining']) {
      expect(await budget.locator('th', { hasText: label }).count(), label).toBe(1);
    }
    expect(await budget.locator('[data-testid=budget-pause]').textContent()).toContain(
      'paused by its budget',
    );
    const needed = f.bytesBilled + f.runningEstimate + f.next.estimatedBytes;
    expect(await page.locator('[data-testid=budget-command]').textContent()).toMatch(
      new RegExp(`resume bq --db \\S+ --max-bytes-billed ${needed}$`),
    );
    // The estimate in bytes and money, computed by the daemon's console from the run's baseline.
    const total = page.locator('[data-testid=estimate-total]');
    await total.waitFor();
    const api = (await (await fetch(`${url}/api/runs/bq/estimate`)).json()) as {
      estimate: { bytes: number; cost: number };
      recorded: { step: string; units: number; estimatedBytes: number }[];
    };
    // Beside it, what the log records as units started: three units of 10 MB.
    const recorded = await page.locator('[data-testid=estimate-recorded] tr[data-step]').evaluateAll((rows) =>
      rows.map((r) => {
        const d = (r as HTMLElement).dataset;
        return { step: d.step, units: Number(d.units), estimatedBytes: Number(d.bytes) };
      }),
    );
    expect(recorded).toEqual(api.recorded);
    expect(recorded.reduce((n, r) => n + r.estimatedBytes, 0)).toBe(30 * 2 ** 20);
    expect(Number(await total.getAttribute('data-bytes'))).toBe(api.estimate.bytes);
    expect(api.estimate.bytes).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=estimate]').textContent()).toMatch(
      /BigQuery dry runs, on-demand price \$[\d.]+ per TiB/,
    );
    await page.screenshot({ path: join(shots, '9-budget-paused.png'), fullPage: true });
  });

  it('shows an ended run as ended: no ETA, no driver and no controls; the list says done', async () => {
    // The blocked gate is approved from the CLI; the daemon drives the run to its end.
    const approve = cli([
      'approve',
      RUN,
      '--gate',
      'p2',
      '--reason',
      'the missing date is known and accepted',
    ]);
    expect(approve.code, approve.stderr).toBe(0);
    await waitFor(() => statusJson().status === 'succeeded', 'the run succeeded', 60_000);
    await page.goto(`${url}/#run=${RUN}&tab=overview`);
    await page.locator('[data-testid=run-page][data-status=succeeded]').waitFor();
    const summary = (await page.locator('[data-testid=run-summary]').textContent()) ?? '';
    expect(summary).toMatch(/ · ended \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · plan hash /);
    expect(summary).not.toContain('ETA');
    expect(summary).not.toContain('driven');
    expect(await page.locator('[data-testid=controls-ended]').textContent()).toBe(
      `run ${RUN} has ended (succeeded): it takes no more pause, resume, cancel, retry or approve.`,
    );
    expect(await page.getByRole('button', { name: '⏸ Pause' }).count()).toBe(0);
    // Each step's ETA cell: done, or – for the step whose failed unit stays failed.
    const etaCells = await page
      .locator('[data-testid=run-page] [data-testid=step-table] tr[data-step]')
      .evaluateAll((rows) =>
        rows.map((r) => [(r as HTMLElement).dataset.step, r.querySelector('[data-k=eta]')?.textContent]),
      );
    expect(etaCells).toEqual(statusJson().steps.map((s) => [s.id, s.failed > 0 ? '–' : 'done']));
    // The CLI refuses what the page no longer offers.
    expect(cli(['pause', RUN]).code).toBe(2);
    await page.goto(`${url}/`);
    const eta = page.locator('[data-testid=runs] [data-run=web] [data-k=eta]');
    await eta.waitFor();
    expect(await eta.textContent()).toBe('done');
  });
});

interface StatusCost {
  steps: { id: string; concurrency: number; configuredConcurrency: number }[];
  eta: { run?: number; remaining: number; steps: Record<string, { eta?: number; remaining: number }> };
  usage?: { bytesBilled: number };
  maxBytesBilled?: number;
}

/** Per step: `limit of cap`, then the ETA cell's remaining units and seconds, as status --json gives them. */
function paceOf(v: StatusCost): string[][] {
  return v.steps.map((s) => [
    s.id,
    `${s.concurrency} of ${s.configuredConcurrency}`,
    String(v.eta.steps[s.id]?.remaining ?? 0),
    String(v.eta.steps[s.id]?.eta ?? ''),
  ]);
}

async function paceOnPage(p: Page): Promise<string[][]> {
  return p.locator('[data-testid=run-page] [data-testid=step-table] tr[data-step]').evaluateAll((rows) =>
    rows.map((r) => {
      const eta = r.querySelector('[data-k=eta]') as HTMLElement | null;
      return [
        (r as HTMLElement).dataset.step ?? '',
        r.querySelector('[data-k=concurrency]')?.textContent ?? '',
        eta?.dataset.remaining ?? '',
        eta?.dataset.seconds ?? '',
      ];
    }),
  );
}

function statusOfRun(): { state: unknown } {
  return JSON.parse(cli(['status', RUN, '--json']).stdout) as { state: unknown };
}

function headHash(seq: number): string {
  const d = new Database(db, { readonly: true });
  try {
    return (
      d.prepare('SELECT hash FROM events WHERE run_id = ? AND seq = ?').get(RUN, seq) as { hash: string }
    ).hash;
  } finally {
    d.close();
  }
}

function counters(steps: StepJson[]): string[][] {
  return steps.map((s) => [s.id, String(s.done), String(s.failed), String(s.pending), String(s.total)]);
}

async function stepTable(p: Page, scope = '[data-testid=run-page]'): Promise<string[][]> {
  return p
    .locator(`${scope} [data-testid=step-table] tr[data-step]`)
    .evaluateAll((rows) =>
      rows.map((r) => [
        (r as HTMLElement).dataset.step ?? '',
        ...['done', 'failed', 'pending', 'total'].map(
          (k) => r.querySelector(`[data-k=${k}]`)?.textContent ?? '',
        ),
      ]),
    );
}

async function waitForPage(probe: () => Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
