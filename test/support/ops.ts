// Helpers for the operations tests: a slow synthetic project, the compiled CLI as a child process,
// polling for conditions (no wall-clock assertions) and reading a run's log back.
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { type CliResult, runCli, startCli, tempDir } from './cli.js';
import { makeSyntheticProject, type SyntheticOptions } from './synthetic.js';

export { waitFor } from './cli.js';

export function tmp(prefix = 'phased-ops-'): string {
  return tempDir(prefix);
}

/** A synthetic project; give it `sleepMs` so its command step keeps the run alive while a test acts. */
export function slowProject(dir: string, o: SyntheticOptions = {}) {
  return makeSyntheticProject(dir, o);
}

/** Short leases, so takeovers after a kill happen within a test. */
const ENV = { PHASED_LEASE_MS: '3000' };

export type Result = CliResult;

export function cli(db: string, args: string[]): Result {
  return runCli(['--db', db, ...args], { env: ENV });
}

export interface Child {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

export function start(db: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = startCli(['--db', db, ...args], { env: { ...ENV, ...env } });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  proc.stderr?.on('data', (d) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, out: () => out, err: () => err, exit };
}

export interface Row {
  seq: number;
  at: string;
  type: string;
  data: Record<string, unknown>;
  state: string;
}

export function events(db: string, runId: string): Row[] {
  let d: Database.Database | undefined;
  try {
    d = new Database(db, { readonly: true, fileMustExist: true });
    d.pragma('busy_timeout = 5000');
    return (
      d
        .prepare('SELECT seq, at, type, data, state FROM events WHERE run_id = ? ORDER BY seq')
        .all(runId) as (Omit<Row, 'data'> & { data: string })[]
    ).map((r) => ({ ...r, data: JSON.parse(r.data) }));
  } catch {
    return [];
  } finally {
    d?.close();
  }
}

export function runStatusOf(db: string, runId: string): string | undefined {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (
      d.prepare('SELECT status FROM runs WHERE run_id = ?').get(runId) as { status: string } | undefined
    )?.status;
  } finally {
    d.close();
  }
}

/** (step/partition → count) of UNIT_SUCCEEDED events. */
export function successes(rows: Row[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) {
    if (r.type !== 'UNIT_SUCCEEDED') continue;
    const k = `${r.data.step}/${r.data.partition}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}
