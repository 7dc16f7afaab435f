// Shared fixtures for the demo tests: temp directories and small SQLite helpers over a generated warehouse.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';

export { tempDir } from '../../support/cli.js';

export function query<T = Record<string, unknown>>(
  file: string,
  sql: string,
  params: Record<string, unknown> = {},
): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(params) as T[];
  } finally {
    db.close();
  }
}

/** Every file below `dir`, as paths relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
