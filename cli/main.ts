#!/usr/bin/env node
// The phased command line: global options and one registered command per file in cli/commands.
// Only the command being run is loaded (a resume should not pay for zod, prom-client or the inspector).
// `main()` is what the bundled executable (cli/bin.ts) calls; `node dist/cli/main.js …` runs it too.
import { resolve } from 'node:path';
import { Command } from 'commander';
import { startSpareWorker } from '../src/warehouse/sqlite-spare.js';
import { commandName } from './command-name.js';
import { guardOutput, reportError } from './context.js';
import { DRIVING_COMMANDS } from './driving.js';

type Register = (program: Command) => void;

const COMMANDS: Record<string, () => Promise<Register>> = {
  run: async () => (await import('./commands/run.js')).registerRun,
  resume: async () => (await import('./commands/resume.js')).registerResume,
  status: async () => (await import('./commands/status.js')).registerStatus,
  check: async () => (await import('./commands/check.js')).registerCheck,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  validate: async () => (await import('./commands/validate.js')).registerValidate,
  daemon: async () => (await import('./commands/daemon.js')).registerDaemon,
  pause: async () => (await import('./commands/stop.js')).registerPause,
  cancel: async () => (await import('./commands/stop.js')).registerCancel,
  retry: async () => (await import('./commands/retry.js')).registerRetry,
  approve: async () => (await import('./commands/approve.js')).registerApprove,
  replay: async () => (await import('./commands/replay.js')).registerReplay,
  init: async () => (await import('./commands/init.js')).registerInit,
  ui: async () => (await import('./commands/ui.js')).registerUi,
  report: async () => (await import('./commands/report.js')).registerReport,
  db: async () => (await import('./commands/db.js')).registerDb,
};

/** Parse `argv` (process.argv's form) and run the command; exits the process with the command's code. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const program = new Command('phased')
    .description('multi-phase data backfills as an event-sourced statechart: resumable, gated, auditable')
    .option('--db <file>', 'event log database (default .phased/phased.db, or PHASED_DB)')
    .option('--log-level <level>', 'pino log level for the run log (default info)')
    .option('--json', 'machine-readable output where it applies')
    .showHelpAfterError()
    .exitOverride();

  guardOutput();
  try {
    const name = commandName(argv.slice(2));
    // A driven run's first unit waits for its SQLite warehouse's first worker (a thread boot): start one now, so
    // it boots while the command loads and the run is checked and rebuilt (a plan on another warehouse stops it).
    // The bundled executable's launcher (cli/early.ts) started it already, before the bundle was even read.
    if (name && DRIVING_COMMANDS.has(name)) startSpareWorker();
    // An unknown or missing command loads them all, so help and "did you mean" see every command.
    const loaders = name && COMMANDS[name] ? [COMMANDS[name]] : Object.values(COMMANDS);
    for (const load of loaders) (await load())(program);
    await program.parseAsync(argv);
  } catch (err) {
    const code = (err as { code?: string; exitCode?: number }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
      process.exit(0);
    if (typeof code === 'string' && code.startsWith('commander.')) process.exit(2);
    process.exit(reportError(err));
  }
}

// Run directly (`node dist/cli/main.js …`), not imported by the bundled executable.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) void main();
