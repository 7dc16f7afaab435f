// `phased status [RUN]`: list runs, or one run's per-step table and gate reports (--json for both).
import type { Command } from 'commander';
import { commandHint, formatRunList, formatRunView, listRuns, runView } from '../../src/observe/index.js';
import { action, dbArgs, globals, openEvents, print, printJson } from '../context.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('list runs, or show one run: state, per-step progress, gate reports')
    .argument('[run]', 'run id')
    .option('--json', 'machine-readable output')
    .action(
      action(async (runId: string | undefined, _o: unknown, cmd: Command) => {
        const g = globals(cmd);
        const store = await openEvents(g, { readonly: true });
        try {
          if (!runId) {
            const items = await listRuns(store);
            if (g.json) printJson(items);
            else print(formatRunList(items, { db: dbArgs(g) }));
            return 0;
          }
          const v = await runView(store, runId);
          const db = dbArgs(g);
          if (g.json) printJson(v);
          else
            print(
              formatRunView(v, {
                resume: commandHint('resume', runId, ...db),
                retry: commandHint('retry', runId, ...db),
              }),
            );
          return 0;
        } finally {
          await store.close();
        }
      }),
    );
}
