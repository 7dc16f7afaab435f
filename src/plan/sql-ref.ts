// Resolves a SQL value of a plan: a single-line value ending in `.sql` names a file relative to the plan's
// folder (with `{dialect}` replaced by the warehouse kind) whose text is returned; anything else is inline SQL.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Dialect } from '../../machines/index.js';

const SQL_PATH = /^[^\n]*\.sql$/i;

/** True when a SQL value is a file reference rather than inline SQL text. */
export function isSqlPath(value: string): boolean {
  return SQL_PATH.test(value.trim());
}

/** The file a SQL reference points at, or undefined when `{dialect}` is needed but unknown. */
export function sqlRefFile(value: string, ctx: { dir: string; dialect?: Dialect }): string | undefined {
  const rel = value.trim();
  if (rel.includes('{dialect}') && ctx.dialect === undefined) return undefined;
  return path.resolve(ctx.dir, ctx.dialect ? rel.replaceAll('{dialect}', ctx.dialect) : rel);
}

/** The SQL text of a value: the value itself, or the named file's contents. */
export function readSqlRef(
  value: string,
  ctx: { dir: string; dialect?: Dialect; onRead?: (file: string, text: string) => void },
): { sql: string } | { error: string } {
  if (!isSqlPath(value)) return { sql: value };
  const file = sqlRefFile(value, ctx);
  // Without a valid warehouse kind the path cannot be resolved; the warehouse issue is reported instead.
  if (file === undefined) return { sql: value };
  let sql: string;
  try {
    sql = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return {
        error: `expected an existing SQL file, found none at ${file} (from ${JSON.stringify(value)})`,
      };
    }
    return { error: `expected a readable SQL file at ${file}, found ${code ?? String(err)}` };
  }
  ctx.onRead?.(file, sql);
  if (sql.trim() === '') return { error: `expected SQL in ${file}, found an empty file` };
  return { sql };
}
