// Named-parameter helpers shared by every backend (and the SQLite worker): which @params a statement uses.
// No I/O and no runtime imports, so the worker thread loads nothing else.

import type { SqlParams } from './types.js';

/** Removes comments and quoted text so that `@x` inside them is not taken for a parameter. */
function stripLiterals(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`/g, ' ');
}

/** The names of the `@name` parameters a statement references, in first-use order. */
export function paramNames(sql: string): string[] {
  const names = new Set<string>();
  for (const m of stripLiterals(sql).matchAll(/@([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  return [...names];
}

/**
 * Only the parameters the statement uses (better-sqlite3 rejects extra keys).
 * A referenced parameter that is not supplied is left out, so the driver reports it by name.
 */
export function usedParams(sql: string, params: SqlParams): SqlParams {
  const out: SqlParams = {};
  for (const name of paramNames(sql)) {
    if (Object.hasOwn(params, name)) out[name] = params[name];
  }
  return out;
}

/** The parameters of one unit's statements: @partition, @start, @end, @run_id. */
export function unitParams(unit: {
  runId: string;
  partition: string;
  range: { start: string; end: string };
}): SqlParams {
  return { partition: unit.partition, start: unit.range.start, end: unit.range.end, run_id: unit.runId };
}

/** A SQLite identifier in double quotes (embedded quotes doubled): the one quoting of names for SQLite. */
export function quoteSqliteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
