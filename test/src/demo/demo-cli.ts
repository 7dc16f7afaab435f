// Helpers for the demo's end-to-end tests: the compiled CLI as a child process, and reading a demo's logs back.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const CLI = join(ROOT, 'dist/cli/main.js');

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `phased ARGS` to its end, as a user would (no PHASED_DB leaking in from the outer environment). */
export function phased(args: string[], env: Record<string, string> = {}): Promise<Exited> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PHASED_BACKOFF_BASE_MS: '20', ...env };
  delete childEnv.PHASED_DB;
  delete childEnv.PHASED_CRASH_AT;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export function tempDir(prefix = 'phased-demo-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
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
