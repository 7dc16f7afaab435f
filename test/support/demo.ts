// Helpers for the demo's end-to-end tests: the compiled CLI run to its end, and reading a demo's logs back.
import Database from 'better-sqlite3';
import { type CliResult, runCliAsync } from './cli.js';

export { tempDir } from './cli.js';

/** Run `phased ARGS` to its end, as a user would (no PHASED_DB or crash switch leaking in). */
export function phased(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCliAsync(args, { env });
}

export interface LoggedEvent {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

/** Every event of every run in an event log file, in order. */
export function loggedEvents(dbFile: string, type?: string): LoggedEvent[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT seq, type, data FROM events ${type ? 'WHERE type = ?' : ''} ORDER BY run_id, seq`)
      .all(...(type ? [type] : [])) as { seq: number; type: string; data: string }[];
    return rows.map((r) => ({ seq: r.seq, type: r.type, data: JSON.parse(r.data) }));
  } finally {
    db.close();
  }
}

export function rows<T = Record<string, unknown>>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface CoverageRow {
  step: string;
  table: string;
  expected: number;
  present: number;
  short: number;
  ok: boolean;
}

export interface GateReportJson {
  gate: string;
  ok: boolean;
  tables: CoverageRow[];
  notNull: { table: string; column: string; ok: boolean; rate: number }[];
  error?: string;
}

export function byStep(report: GateReportJson): Record<string, CoverageRow> {
  return Object.fromEntries(report.tables.map((t) => [t.step, t]));
}
