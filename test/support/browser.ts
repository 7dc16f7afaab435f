// A real Chromium for the console's browser tests: a system one when PHASED_CHROMIUM or /usr/bin/chromium is
// there, else the binary @sparticuz/chromium ships inside its npm package. Also builds the console bundle the
// pages load, watches a page for console errors and failed requests, and keeps screenshots in a temp folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from './synthetic.js';

/** Bundles src/console/web into dist/console (the suite's setup compiles TypeScript only). */
export function buildConsoleBundle(): void {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist/src/console/build.js')], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`console bundle failed: ${r.stderr || r.stdout}`);
}

export { launchBrowser } from '../../bench/scenarios/ui-browser.js';

export interface PageWatch {
  errors: string[];
  failed: string[];
  requests: string[];
}

/** Records console errors, page errors, failed requests and every request the page makes. */
export function watchPage(page: Page): PageWatch {
  const w: PageWatch = { errors: [], failed: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
  });
  page.on('pageerror', (e) => w.errors.push(String(e)));
  page.on('requestfailed', (r) => w.failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) w.failed.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`);
  });
  page.on('request', (r) => w.requests.push(r.url()));
  return w;
}

/** A folder under the OS temp dir for this file's screenshots; its path is printed once. */
export function screenshotDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `phased-${name}-shots-`));
  process.stdout.write(`screenshots: ${dir}\n`);
  return dir;
}

/** The page scrolls sideways when its content is wider than the viewport. */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
