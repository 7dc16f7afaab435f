// `phased pause RUN` and `phased cancel RUN`: ask the run to stop. Pause lets in-flight units finish; cancel
// aborts them (the driver's abort signal); exit 2 when the run's state does not allow it.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { formatControl, requestStop } from '../../src/engine/index.js';
import { action, dbPath, globals, openEvents, print, printJson } from '../context.js';

const DESCRIPTIONS = {
  pause: 'pause a run: no new unit starts; in-flight units finish; `phased resume` continues it',
  cancel:
    'cancel a run: no new unit starts; in-flight units are aborted (command steps: process group SIGTERM, ' +
    'SIGKILL after 2 s; SQLite: the write is rolled back; BigQuery: jobs.cancel, which a job that is ' +
    'already finishing may outrun) and logged as CANCELLED failures; then the run ends as cancelled',
} as const;

function registerStop(program: Command, kind: 'pause' | 'cancel'): void {
  program
    .command(kind)
    .description(DESCRIPTIONS[kind])
    .argument('<run>', 'run id')
    .option('--reason <text>', 'why (goes on record)')
    .option('--json', 'machine-readable output')
    .action(
      action(async (runId: string, o: { reason?: string }, cmd: Command) => {
        const g = globals(cmd);
        // A missing database is reported (read-only open), never created by a control command.
        const store = await openEvents(g, { readonly: !existsSync(dbPath(g)) });
        try {
          const r = await requestStop(store, runId, kind, o.reason);
          if (g.json) printJson(r);
          else print(formatControl(r));
          return 0;
        } finally {
          await store.close();
        }
      }),
    );
}

export const registerPause = (program: Command): void => registerStop(program, 'pause');
export const registerCancel = (program: Command): void => registerStop(program, 'cancel');
