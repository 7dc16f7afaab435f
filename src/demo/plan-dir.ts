// Locates the NBA plan shipped with the package (plans/nba), from src/ under vitest or dist/src/ when compiled.
// Owns path resolution only; loading and validating the plan belongs to src/plan.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PhasedError } from '../../machines/index.js';

/** Whether `dir` holds a package's own package.json (with a name), not one that only sets a folder's module type. */
function isPackageDir(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return typeof (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'string';
  } catch {
    return false;
  }
}

/**
 * The package root: the nearest directory above this module whose package.json names a package (dist/bin holds
 * one that only makes its launcher CommonJS).
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (isPackageDir(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new PhasedError(
        'INTERNAL',
        `no package.json above ${from}: the package is installed incompletely`,
      );
    }
    dir = parent;
  }
}

/** The directory of the NBA plan (plan.yaml and its sql/ tree). */
export function planDirectory(): string {
  const dir = join(packageRoot(), 'plans', 'nba');
  if (!existsSync(join(dir, 'plan.yaml'))) {
    throw new PhasedError('INTERNAL', `the NBA plan is missing: expected ${join(dir, 'plan.yaml')}`);
  }
  return dir;
}
