#!/usr/bin/env node
// The `phased` executable's entry (bundled to dist/bin/phased.js): before the CLI's modules load, a resume starts
// its spare SQLite warehouse worker, so the thread boots while they load (see src/warehouse/sqlite-spare.ts).
// Everything else is cli/main.ts.
import { startSpareWorker } from '../src/warehouse/sqlite-spare.js';
import { commandName } from './command-name.js';

if (commandName(process.argv.slice(2)) === 'resume') startSpareWorker();
await import('./main.js');
