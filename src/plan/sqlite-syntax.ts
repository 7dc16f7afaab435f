// The SQLite syntax check, by SQLite itself: each statement of a text is compiled (never run) on an empty
// in-memory database, and only the parser's own errors count. A table or column the empty database lacks is not
// a syntax error: the prerequisites and the run judge names against the warehouse.

import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { SyntaxProblem } from './googlesql.js';

/** SQLite's messages for text its parser cannot take (sqlite3RunParser, the tokenizer). */
const PARSER_ERROR = /syntax error|unrecognized token/;
const INCOMPLETE = /incomplete input/;

let db: BetterSqlite3.Database | undefined;

/** Per character of `sql`: true inside a string, a quoted name or a comment (where `;` and spaces are text). */
function quoted(sql: string): boolean[] {
  const inside = new Array<boolean>(sql.length).fill(false);
  let i = 0;
  const skipTo = (end: string, from: number) => {
    const at = sql.indexOf(end, from);
    const to = at < 0 ? sql.length : at + end.length;
    inside.fill(true, i, to);
    return to;
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') i = skipTo(c, i + 1);
    else if (c === '[') i = skipTo(']', i + 1);
    else if (c === '-' && sql[i + 1] === '-') i = skipTo('\n', i + 2);
    else if (c === '/' && sql[i + 1] === '*') i = skipTo('*/', i + 2);
    else i++;
  }
  return inside;
}

/**
 * The text cut after each `;` that is not inside a string, quoted name or comment. A cut inside a statement
 * (a trigger's body) compiles as incomplete input, and the caller joins it to the next piece.
 */
function pieces(sql: string): string[] {
  const inside = quoted(sql);
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < sql.length; i++) {
    if (sql[i] === ';' && !inside[i]) {
      out.push(sql.slice(start, i + 1));
      start = i + 1;
    }
  }
  out.push(sql.slice(start));
  return out;
}

/** 1-based line and column of offset `at` in `text`. */
function position(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * Where SQLite's `near "TOKEN": syntax error` is: the shortest prefix of the statement, cut between whole
 * tokens, that already fails as a syntax error ends with that token. Else the token's first occurrence, or 0.
 */
function locate(statement: string, message: string): number {
  const token = /near "([^"]*)"/.exec(message)?.[1];
  if (token === undefined) return 0;
  const inside = quoted(statement);
  for (let i = 1; i <= statement.length; i++) {
    const cut =
      i === statement.length || (/\s/.test(statement[i]) && !/\s/.test(statement[i - 1]) && !inside[i]);
    if (!cut) continue;
    const prefix = statement.slice(0, i);
    if (!/syntax error/.test(compile(prefix) ?? '')) continue;
    const at = prefix.lastIndexOf(token);
    if (at >= 0) return at;
    break;
  }
  return Math.max(0, statement.indexOf(token));
}

/** The message SQLite gives compiling `sql` (one statement), or undefined when it compiles. */
function compile(sql: string): string | undefined {
  db ??= new (createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3)(':memory:');
  try {
    db.prepare(sql);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const BLANK = /^(\s|;|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*$/;

/** Compile every statement of `sql` as SQLite; undefined when each one parses. */
export function sqliteSyntaxError(sql: string): SyntaxProblem | undefined {
  let statement = '';
  let offset = 0;
  for (const piece of pieces(sql)) {
    statement += piece;
    if (!BLANK.test(statement)) {
      const message = compile(statement);
      if (message !== undefined && INCOMPLETE.test(message)) continue;
      // A name the empty database lacks, or anything else past the parser, is not a syntax error.
      if (message !== undefined && PARSER_ERROR.test(message)) {
        return { ...position(sql, offset + locate(statement, message)), message };
      }
    }
    offset += statement.length;
    statement = '';
  }
  if (statement === '') return undefined;
  const end = position(sql, sql.length);
  return { ...end, message: 'incomplete input' };
}
