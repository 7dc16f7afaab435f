#!/usr/bin/env node
// The phased command line: global options and one registered command per file in cli/commands.
import { Command } from 'commander';
import { registerApprove } from './commands/approve.js';

import { registerCheck } from './commands/check.js';
import { registerDaemon } from './commands/daemon.js';
import { registerDemo } from './commands/demo.js';
import { registerReplay } from './commands/replay.js';
import { registerResume } from './commands/resume.js';
import { registerRetry } from './commands/retry.js';
import { registerRun } from './commands/run.js';
import { registerStatus } from './commands/status.js';
import { registerCancel, registerPause } from './commands/stop.js';
import { registerValidate } from './commands/validate.js';
import { reportError } from './context.js';

const program = new Command('phased')
  .description('multi-phase data backfills as an event-sourced statechart: resumable, gated, auditable')
  .option('--db <file>', 'event log database (default .phased/phased.db, or PHASED_DB)')
  .option('--log-level <level>', 'pino log level for the run log (default info)')
  .option('--json', 'machine-readable output where it applies')
  .showHelpAfterError()
  .exitOverride();

for (const register of [
  registerRun,
  registerResume,
  registerStatus,
  registerCheck,
  registerDemo,
  registerValidate,
  registerDaemon,
  registerPause,
  registerCancel,
  registerRetry,
  registerApprove,
  registerReplay,
])
  register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { code?: string; exitCode?: number }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
    process.exit(0);
  if (typeof code === 'string' && code.startsWith('commander.')) process.exit(2);
  process.exit(reportError(err));
}
