#!/usr/bin/env node
// The `phased` executable (bundled to dist/bin/phased.js): runs the CLI bundle beside it (phased.cjs, one
// CommonJS file built from cli/bin.ts) with its code cache (cli/code-cache.ts).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './code-cache.js';

launch(join(dirname(fileURLToPath(import.meta.url)), 'phased.cjs'));
