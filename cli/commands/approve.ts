// `phased approve RUN --gate ID --reason TEXT`: pass a blocked gate with GATE_OVERRIDDEN (reason on record).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { approveGate, formatControl } from '../../src/engine/index.js';
import { action, badArgument, dbPath, globals, openEvents, print, printJson } from '../context.js';

export function registerApprove(program: Command): void {
  program
    .command('approve')
    .description('pass a blocked gate on record; the run continues with the next phase')
    .argument('<run>', 'run id')
    .option('--gate <id>', 'the blocked gate')
    .option('--reason <text>', 'why the gate may pass (goes on record)')
    .option('--json', 'machine-readable output')
    .action(
      action(async (runId: string, o: { gate?: string; reason?: string }, cmd: Command) => {
        const g = globals(cmd);
        if (!o.gate)
          throw badArgument('approve needs --gate ID (see `phased status RUN` for the blocked gate)');
        if (!o.reason?.trim()) throw badArgument('approve needs --reason TEXT: the reason goes on record');
        // A missing database is reported (read-only open), never created by a control command.
        const store = await openEvents(g, { readonly: !existsSync(dbPath(g)) });
        try {
          const r = await approveGate(store, runId, o.gate, o.reason);
          if (g.json) printJson(r);
          else print(formatControl(r));
          return 0;
        } finally {
          await store.close();
        }
      }),
    );
}
