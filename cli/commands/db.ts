// `phased db copy --from FILE --to postgres://…`: moves runs from a laptop's SQLite file into the team's
// PostgreSQL store, each chain verified before and after. Exit 0 when every run is there, 2 for bad input.
import type { Command } from 'commander';
import { PhasedError } from '../../machines/index.js';
import { copySqliteToPg } from '../../store/pg/copy.js';
import { isPostgresUrl, openPgStore } from '../../store/pg/index.js';
import { action, badArgument, globals, print, printJson } from '../context.js';

interface CopyOptions {
  from: string;
  to?: string;
  run?: string[];
  json?: boolean;
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('move event logs between databases');
  db.command('copy')
    .description('copy runs (chains verified) from an SQLite file into a PostgreSQL store')
    .requiredOption('--from <file>', 'the SQLite event log to read (opened read-only)')
    .option('--to <url>', 'postgres://user:password@host:port/database[?schema=…] (default: PHASED_DB)')
    .option('--run <id...>', 'copy only these runs (default: all)')
    .option('--json', 'print what was copied as JSON')
    .action(
      action(async (o: CopyOptions, cmd: Command) => {
        const to = o.to ?? process.env.PHASED_DB;
        if (!to || !isPostgresUrl(to)) {
          throw badArgument(
            `db copy needs --to postgres://user:password@host:port/database (or PHASED_DB set to one); got ${to ? 'a non-PostgreSQL target' : 'none'}`,
          );
        }
        const target = await openPgStore(to);
        try {
          const copied = await copySqliteToPg(o.from, target, o.run);
          if (o.json || globals(cmd).json) printJson({ to: target.location, runs: copied });
          else if (copied.length === 0) print(`${o.from} holds no runs; nothing to copy`);
          else {
            for (const c of copied) {
              print(
                c.outcome === 'copied'
                  ? `copied ${c.runId} (${c.events} events, chain verified) to ${target.location}`
                  : `${c.runId} is already in ${target.location} (same log); skipped`,
              );
            }
          }
          return 0;
        } catch (err) {
          if (err instanceof PhasedError) throw err;
          throw new PhasedError('BACKEND', `db copy to ${target.location} failed: ${(err as Error).message}`);
        } finally {
          await target.close();
        }
      }),
    );
}
