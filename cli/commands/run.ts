// `phased run PLAN`: validate the plan, create the run, drive it here (or leave it to the daemon with --detach).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { PhasedError } from '../../machines/index.js';
import {
  createRun,
  formatDryRun,
  type OverlappingRun,
  openPlanWarehouse,
  overlappingRuns,
  planDryRun,
} from '../../src/engine/index.js';
import { commandHint } from '../../src/observe/index.js';
import { assertPlanSql, loadPlanWithSources } from '../../src/plan/index.js';
import { action, badArgument, dbArgs, globals, logDir, openEvents, print, printJson } from '../context.js';
import { driveRun, httpAddressOf, maxBytesBilledOf } from '../drive.js';

interface RunOptions {
  runId?: string;
  start?: string;
  end?: string;
  refill?: string;
  detach?: boolean;
  inspect?: string | boolean;
  dryRun?: boolean;
  http?: string | boolean;
  httpPublic?: boolean;
  maxBytesBilled?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'start a run of PLAN and drive it to the end (exit 0 succeeded, 1 failed/blocked, 3 paused/cancelled)',
    )
    .argument('<plan>', 'plan file (YAML)')
    .option('--run-id <id>', 'id for the new run (default: generated)')
    .option('--start <date>', 'override the plan range start (YYYY-MM-DD)')
    .option('--end <date>', 'override the plan range end (YYYY-MM-DD)')
    .option('--refill <mode>', 'missing (default) or all: recompute every partition')
    .option('--detach', 'create the run and return; `phased daemon` drives it')
    .option(
      '--dry-run',
      'print the plan, the units a run would start and the estimated bytes; create and change nothing (exit 1 if prerequisites would fail)',
    )
    .option(
      '--http [host:port]',
      'serve the web console for this run while it is driven (default 127.0.0.1:7420)',
    )
    .option(
      '--http-public',
      'allow --http on a non-loopback address (requests from other hosts need the token)',
    )
    .option(
      '--max-bytes-billed <size>',
      "the run's budget of BigQuery bytes billed (10TiB, 500GiB, bytes); the run pauses before passing it (logged as BUDGET_CHANGED)",
    )
    .option(
      '--inspect [port]',
      'stream the run into the Stately inspector bridge on localhost (default port 8080)',
    )
    .action(
      action(async (file: string, o: RunOptions, cmd: Command) => {
        const g = globals(cmd);
        if (o.refill !== undefined && o.refill !== 'missing' && o.refill !== 'all') {
          throw badArgument(`--refill ${o.refill} is not valid: expected missing or all`);
        }
        httpAddressOf(o);
        const maxBytesBilled = maxBytesBilledOf(o.maxBytesBilled);
        if (maxBytesBilled !== undefined && o.detach) {
          throw badArgument(
            '--max-bytes-billed cannot be combined with --detach (the daemon would not see it): set budget.maxBytesBilled in the plan instead',
          );
        }
        if (!existsSync(file)) throw new PhasedError('PLAN_INVALID', `plan file ${file} does not exist`);
        const overrides = { start: o.start, end: o.end, refill: o.refill as 'missing' | 'all' | undefined };
        const { plan, sources } = loadPlanWithSources(file, overrides);
        // The plan's SQL must parse (GoogleSQL, SQLite) before anything runs or a run exists.
        assertPlanSql(file, plan);
        if (o.dryRun) {
          const report = await planDryRun(plan);
          if (g.json) printJson(report);
          else print(formatDryRun(plan, report));
          return report.prerequisitesPassed ? 0 : 1;
        }
        // Bad warehouse settings (missing file, credentials) are refused before any run exists; the
        // warehouse opened for that check is the one the run then uses.
        const wh = await openPlanWarehouse(plan, { logDir: logDir(g) });
        let runId: string;
        try {
          const store = await openEvents(g);
          try {
            runId = await createRun(store, plan, { runId: o.runId, overrides, sources });
            for (const other of await overlappingRuns(store, plan, runId)) {
              process.stderr.write(`phased: note: ${overlapNote(runId, other, dbArgs(g))}\n`);
            }
          } finally {
            await store.close();
          }
        } catch (err) {
          await wh.close();
          throw err;
        }
        if (o.detach) {
          await wh.close();
          const db = dbArgs(g);
          print(
            `run ${runId} created; \`${commandHint('daemon', ...db)}\` will drive it (status: ${commandHint('status', runId, ...db)})`,
          );
          return 0;
        }
        process.stderr.write(`run ${runId}: ${plan.name}, ${plan.range.start} … ${plan.range.end}\n`);
        return driveRun(g, runId, {
          inspect: o.inspect,
          http: o.http,
          httpPublic: o.httpPublic,
          warehouse: wh,
          maxBytesBilled,
        });
      }),
    );
}

/** Another unfinished run writes some of the same partitions: say which, and how to retire it if it is stale. */
function overlapNote(runId: string, other: OverlappingRun, db: string[]): string {
  const { tables, start, end } = other.overlap;
  const named =
    tables.length > 3 ? `${tables.slice(0, 3).join(', ')} and ${tables.length - 3} more` : tables.join(', ');
  const cancel = commandHint('cancel', other.runId, '--reason', `replaced by ${runId}`, ...db);
  return (
    `run ${other.runId} (${other.status}) also writes ${named} for ${start} … ${end}: both runs would write ` +
    `those partitions, and a daemon drives both at once. If run ${runId} replaces it, cancel it: \`${cancel}\``
  );
}
