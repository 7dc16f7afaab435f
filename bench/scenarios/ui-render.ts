// ui_first_render_ms: from navigation to the coverage heatmap and the statechart drawn, for the NBA demo run
// (10 steps × 918 dates, ≈12,000 events), in headless Chromium against `phased ui`. Read from the page's own
// performance marks (set when each is drawn), so polling adds nothing. A fresh browser context per run: a
// cold cache, as a first visit.

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildConsole } from '../../src/console/build.js';
import { CLI_MAIN, runNode } from '../support/child.js';
import { type BenchContext, result, type Scenario, skipped, stats, tempDir } from '../support/measure.js';
import { launchBrowser } from './ui-browser.js';

const GOAL = { atMost: 1000 };

function serve(db: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [CLI_MAIN, '--db', db, 'ui', '--http', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    const look = (d: Buffer) => {
      text += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (m) resolve({ proc, url: m[1] });
    };
    proc.stdout?.on('data', look);
    proc.stderr?.on('data', look);
    proc.once('exit', (code) => reject(new Error(`phased ui exited (${code}) before serving: ${text}`)));
  });
}

export const uiRender: Scenario = {
  id: 'ui-render',
  names: ['ui_first_render_ms'],
  async run(ctx: BenchContext) {
    if (ctx.quick)
      return [skipped('ui_first_render_ms', 'ms', GOAL, 'not run with --quick: needs the full NBA demo run')];
    await buildConsole();
    const tmp = tempDir();
    let server: { proc: ChildProcess; url: string } | undefined;
    try {
      // PHASED_BENCH_UI_DB (+ PHASED_BENCH_UI_RUN, default demo): a database already holding an NBA demo run,
      // which skips the minutes the demo takes.
      let db = process.env.PHASED_BENCH_UI_DB;
      const run = process.env.PHASED_BENCH_UI_RUN ?? 'demo';
      if (!db) {
        await runNode(CLI_MAIN, ['demo', '--dir', tmp.dir, '--run-id', 'demo']);
        db = join(tmp.dir, 'phased.db');
      }
      server = await serve(db);
      const times: number[] = [];
      // A fresh browser per run (a cold cache, as a first visit; the packaged Chromium is single-process, so
      // contexts are not closed and reopened within one browser).
      for (let i = 0; i <= ctx.runs; i++) {
        const browser = await launchBrowser();
        try {
          const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
          await page.goto(`${server.url}/#run=${encodeURIComponent(run)}&tab=overview`);
          await page.waitForFunction(
            () =>
              performance.getEntriesByName('phased:heatmap-drawn').length > 0 &&
              performance.getEntriesByName('phased:statechart-drawn').length > 0,
            undefined,
            { timeout: 60_000, polling: 50 },
          );
          const ms = await page.evaluate(() =>
            Math.max(
              performance.getEntriesByName('phased:heatmap-drawn')[0].startTime,
              performance.getEntriesByName('phased:statechart-drawn')[0].startTime,
            ),
          );
          if (i > 0) times.push(ms);
        } finally {
          await browser.close();
        }
      }
      return [
        result(
          'ui_first_render_ms',
          'ms',
          stats(times),
          GOAL,
          'navigation → heatmap and statechart drawn, NBA demo run',
        ),
      ];
    } finally {
      server?.proc.kill('SIGTERM');
      tmp.done();
    }
  },
};
