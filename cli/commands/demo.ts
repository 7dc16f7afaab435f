// `phased demo`: generate the sample NBA warehouse, copy the plan beside it, and run the whole plan.
// The work lives in src/demo (runDemo); this file parses options and hands it the in-process driver.
import type { Command } from 'commander';
import { DEFAULT_DEMO_DIR, runDemo } from '../../src/demo/index.js';
import { action, dbPath, globals, print } from '../context.js';
import { driveRun } from '../drive.js';

interface DemoCliOptions {
  dir?: string;
  scenario?: string;
  initOnly?: boolean;
  runId?: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'generate the sample NBA warehouse and run the NBA plan on it (exit 0 succeeded; 1 blocked, as the broken scenario is)',
    )
    .option('--dir <dir>', 'directory for warehouse.db, phased.db and the plan copy', DEFAULT_DEMO_DIR)
    .option(
      '--scenario <name>',
      'healthy or broken (team box scores missing: the phase3 gate blocks)',
      'healthy',
    )
    .option('--init-only', 'generate the warehouse and the plan copy, fill the baseline, run nothing')
    .option('--run-id <id>', 'id for the demo run (default: generated)')
    .action(
      action(async (o: DemoCliOptions, cmd: Command) => {
        const g = globals(cmd);
        // --db is checked (a URL is refused) before anything is generated.
        const db = g.db === undefined ? undefined : dbPath(g);
        const result = await runDemo(
          { dir: o.dir, scenario: o.scenario, initOnly: o.initOnly, runId: o.runId, db },
          {
            print,
            drive: (runId, db) => driveRun({ ...g, db }, runId, { summary: true }),
          },
        );
        return result.exitCode;
      }),
    );
}
