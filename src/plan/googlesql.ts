// The GoogleSQL grammar: whether one SQL text parses as BigQuery's dialect, and where it does not. Which texts of
// a plan are checked is plan-sql.ts's. The grammar (sql-parser-cst, ~0.25 s to load) is loaded on first use, so
// SQLite plans never pay for it.

import { createRequire } from 'node:module';

type Parse = (sql: string, opts: { dialect: 'bigquery'; paramTypes: ['@name'] }) => unknown;
let parser: Parse | undefined;

/** A syntax error: 1-based line and column within the SQL text, and what the parser expected. */
export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

/** Parse `sql` as GoogleSQL (BigQuery's dialect, `@name` parameters); undefined when it parses. */
export function googleSqlSyntaxError(sql: string): SyntaxProblem | undefined {
  parser ??= (createRequire(import.meta.url)('sql-parser-cst') as { parse: Parse }).parse;
  try {
    parser(sql, { dialect: 'bigquery', paramTypes: ['@name'] });
    return undefined;
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const at = /--> [^\n]*:(\d+):(\d+)/.exec(text);
    const lines = text.split('\n');
    const expected = lines.find((l) => l.startsWith('Was expecting to see: '))?.slice(22);
    // The parser lists every token it could take next; a long list says nothing a reader can use.
    const hint = expected && expected.length <= 80 ? `; expected ${expected}` : '';
    const message = `${lines[0].replace(/^Syntax Error: /, '')}${hint}`;
    return { line: Number(at?.[1] ?? 1), column: Number(at?.[2] ?? 1), message };
  }
}
