// What a command does before any of the CLI's modules load: a command that drives a run (run, resume) starts its
// spare SQLite warehouse worker, so the thread boots while the CLI loads (src/warehouse/sqlite-spare.ts). Run by
// the executable's launcher before it reads the CLI bundle, and again (a no-op then) by the bundle's entry.
// Owns nothing else; small on purpose, since the launcher carries it.

import { startSpareWorker } from '../src/warehouse/sqlite-spare.js';
import { commandName } from './command-name.js';
import { DRIVING_COMMANDS } from './driving.js';

export function startEarly(argv: string[] = process.argv.slice(2)): void {
  const name = commandName(argv);
  if (name && DRIVING_COMMANDS.has(name)) startSpareWorker();
}
