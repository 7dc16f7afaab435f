// Locates the NBA plan shipped with the package (plans/nba), from src/ under vitest or dist/src/ when compiled.
// Owns path resolution only; loading and validating the plan belongs to src/plan.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PhasedError } from '../../machines/index.js';

/** The package root: the nearest directory above this module that holds package.json. */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
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
