// The headless Chromium the console's bench figures and browser tests use: a system one when PHASED_CHROMIUM
// or /usr/bin/chromium exists, else the binary @sparticuz/chromium ships inside its npm package.

import { existsSync } from 'node:fs';
import { type Browser, chromium as pw } from 'playwright-core';

export async function launchBrowser(): Promise<Browser> {
  const system = [process.env.PHASED_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (p): p is string => Boolean(p && existsSync(p)),
  );
  if (system) return pw.launch({ executablePath: system, headless: true });
  const { default: chromium } = await import('@sparticuz/chromium');
  return pw.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
}
