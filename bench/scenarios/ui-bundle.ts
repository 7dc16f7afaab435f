// ui_bundle_kb_gz: the console's JS and CSS (dist/console, as `npm run build` bundles them), gzipped, in KB.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildConsole } from '../../src/console/build.js';
import { consoleDir } from '../../src/console/build-paths.js';
import { result, type Scenario, stats } from '../support/measure.js';

const GOAL = { atMost: 250 };

export const uiBundle: Scenario = {
  id: 'ui-bundle',
  names: ['ui_bundle_kb_gz'],
  async run() {
    await buildConsole();
    const dir = consoleDir();
    let bytes = 0;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.js') || n.endsWith('.css')))
      bytes += gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
    return [result('ui_bundle_kb_gz', 'KB', stats([bytes / 1024]), GOAL, 'dist/console JS + CSS, gzip -9')];
  },
};
