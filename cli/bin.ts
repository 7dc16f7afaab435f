// The bundled CLI's entry (dist/bin/phased.cjs, which dist/bin/phased.js launches with its code cache): a command
// that drives a run (run, resume) starts its spare SQLite warehouse worker before the CLI's modules are
// evaluated, so the thread boots while they are (see src/warehouse/sqlite-spare.ts). Everything else is cli/main.ts.
import { startSpareWorker } from '../src/warehouse/sqlite-spare.js';
import { commandName } from './command-name.js';
import { DRIVING_COMMANDS } from './driving.js';

const name = commandName(process.argv.slice(2));
if (name && DRIVING_COMMANDS.has(name)) startSpareWorker();
// main.js and what it imports are evaluated only now (the bundle keeps a dynamically imported module lazy).
void import('./main.js').then((m) => m.main());
