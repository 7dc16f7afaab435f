// How to write a `phased …` command for the operator to copy so that it works as shown: `phased` when that name
// on the PATH is this installation (npm link, npm install -g), `npx phased` inside the project folder (npm finds
// the project's own bin there), otherwise `node <path to the bundled CLI>`. Reads the file system; changes nothing.

import { realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { printableDb } from '../../store/index.js';
import { packageRoot } from '../demo/plan-dir.js';

const real = (p: string): string | undefined => {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
};

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

export interface CommandContext {
  cwd?: string;
  path?: string;
  root?: string;
}

/** The words that start a phased command for this operator, e.g. `npx phased`. */
export function phasedCommand(ctx: CommandContext = {}): string {
  const root = ctx.root ?? packageRoot();
  const cwd = ctx.cwd ?? process.cwd();
  const main = join(root, 'dist', 'bin', 'phased.js');
  const target = real(main);
  for (const dir of (ctx.path ?? process.env.PATH ?? '').split(delimiter)) {
    if (dir && target && real(join(dir, 'phased')) === target) return 'phased';
  }
  const rel = relative(root, cwd);
  if (!rel.startsWith('..') && !isAbsolute(rel)) return 'npx phased';
  return `node ${quote(main)}`;
}

/**
 * A whole command line to print: `hint('status', runId)` → `npx phased status r1`. A PostgreSQL URL's password is
 * shown as `***` (the operator puts it back, or sets PGPASSWORD): hints end up in terminals, CI logs and journals.
 */
export function commandHint(...args: string[]): string {
  return [phasedCommand(), ...args.filter((a) => a !== '').map((a) => quote(printableDb(a)))].join(' ');
}
