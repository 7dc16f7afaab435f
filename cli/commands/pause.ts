// `phased pause RUN`: ask the run to pause (its driver drains in-flight units first); exit 2 when it cannot.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { formatControl, requestStop } from '../../src/daemon/index.js';
import { action, dbPath, globals, openDb, print, printJson } from '../context.js';

export function registerPause(program: Command): void {
  program
    .command('pause')
    .description('pause a run: no new unit starts; in-flight units finish; `phased resume` continues it')
    .argument('<run>', 'run id')
    .option('--reason <text>', 'why (goes on record)')
    .option('--json', 'machine-readable output')
    .action(
      action((runId: string, o: { reason?: string }, cmd: Command) => {
        const g = globals(cmd);
        // A missing database is reported (read-only open), never created by a control command.
        const store = openDb(g, { readonly: !existsSync(dbPath(g)) });
        try {
          const r = requestStop(store, runId, 'pause', o.reason);
          if (g.json) printJson(r);
          else print(formatControl(r));
          return 0;
        } finally {
          store.close();
        }
      }),
    );
}
