// A cache of initialised demo warehouses, for the test suite: with PHASED_DEMO_CACHE=DIR, `phased demo` keeps a
// copy of each warehouse it generates and fills (keyed by scenario, range and the plan files that fill it) and
// later copies it instead of generating the same bytes again. Off unless the variable is set. Generation is
// deterministic ("same options, same bytes", generate.ts), so a copy is the warehouse a fresh init would make.
// Owns the cache's files only; what goes into a warehouse is generate.ts's and baseline.ts's.

import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import type { BaselineResult } from './baseline.js';
import type { GenerateResult } from './generate.js';

interface Made {
  generated: GenerateResult;
  baseline: BaselineResult;
}

/** Every file under `dir`, relative, sorted: the plan copy and its SQL, which the baseline fill runs. */
function filesUnder(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? filesUnder(join(dir, e.name), root) : [relative(root, join(dir, e.name))],
    )
    .sort();
}

function keyOf(scenario: string, range: { start: string; end: string } | undefined, planDir: string): string {
  const h = createHash('sha256').update(JSON.stringify({ scenario, range: range ?? null }));
  for (const f of filesUnder(planDir)) {
    if (f === 'warehouse.db' || f.startsWith('phased.db') || f.startsWith('logs')) continue;
    h.update(f)
      .update('\0')
      .update(readFileSync(join(planDir, f)))
      .update('\0');
  }
  return h.digest('hex').slice(0, 32);
}

/**
 * `make()` writes `warehouse` (generated and filled) and returns what it did. With PHASED_DEMO_CACHE set, a
 * warehouse made before for the same key is copied instead, and a new one is kept for next time.
 */
export async function cachedWarehouse(
  warehouse: string,
  key: { scenario: string; range?: { start: string; end: string }; planDir: string },
  make: () => Promise<Made>,
): Promise<Made> {
  const dir = process.env.PHASED_DEMO_CACHE;
  if (!dir) return make();
  mkdirSync(dir, { recursive: true });
  const base = join(dir, keyOf(key.scenario, key.range, key.planDir));
  if (existsSync(`${base}.json`) && existsSync(`${base}.db`)) {
    copyFileSync(`${base}.db`, warehouse);
    const made = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Made;
    return { ...made, generated: { ...made.generated, file: warehouse } };
  }
  const made = await make();
  // Written under temporary names and renamed, so a concurrent reader sees a whole entry or none.
  const tmp = `${base}.${process.pid}.tmp`;
  // Through SQLite's backup, not a file copy: the fill's last writes may still sit in the warehouse's WAL file.
  const db = new Database(warehouse, { readonly: true });
  try {
    await db.backup(`${tmp}.db`);
  } finally {
    db.close();
  }
  writeFileSync(`${tmp}.json`, JSON.stringify(made));
  renameSync(`${tmp}.db`, `${base}.db`);
  renameSync(`${tmp}.json`, `${base}.json`);
  return made;
}
