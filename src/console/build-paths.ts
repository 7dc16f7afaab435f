// Where the built console lives: dist/console under the package root, from this module's place in the
// source tree (src/console) or in the build (dist/src/console).

import { join, resolve, sep } from 'node:path';

export function packageRoot(): string {
  const here = import.meta.dirname;
  return here.includes(`${sep}dist${sep}src${sep}`) || here.endsWith(`${sep}dist${sep}src${sep}console`)
    ? resolve(here, '../../..')
    : resolve(here, '../..');
}

/** dist/console: index.html, console.js and console.css. */
export function consoleDir(root = packageRoot()): string {
  return join(root, 'dist', 'console');
}
