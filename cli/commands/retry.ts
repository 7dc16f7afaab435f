// `phased retry RUN`: re-open failed units (all, one step's, or some partitions'), and a blocked gate's phase;
// or, with --gate, have a blocked gate evaluated again as the data stands.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { formatControl, requestRetry } from '../../src/engine/index.js';
import { action, dbPath, globals, openEvents, print, printJson } from '../context.js';

interface RetryOptions {
  step?: string;
  partition?: string[];
  gate?: string;
  reason?: string;
}

export function registerRetry(program: Command): void {
  program
    .command('retry')
    .description(
      're-open failed units of a run (a blocked gate re-evaluates after them), or with --gate re-check a blocked gate; exit 2 if there is nothing to retry',
    )
    .argument('<run>', 'run id')
    .option('--step <id>', 'only this step')
    .option('--partition <date...>', 'only these partitions (YYYY-MM-DD)')
    .option('--gate <id>', 're-check this blocked gate as the data stands (re-opens no unit)')
    .option('--reason <text>', 'why (goes on record)')
    .option('--json', 'machine-readable output')
    .action(
      action(async (runId: string, o: RetryOptions, cmd: Command) => {
        const g = globals(cmd);
        // A missing database is reported (read-only open), never created by a control command.
        const store = await openEvents(g, { readonly: !existsSync(dbPath(g)) });
        try {
          const r = await requestRetry(store, runId, {
            step: o.step,
            partitions: o.partition,
            gate: o.gate,
            reason: o.reason,
          });
          if (g.json) printJson(r);
          else print(formatControl(r));
          return 0;
        } finally {
          await store.close();
        }
      }),
    );
}
