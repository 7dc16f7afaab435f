// Running the compiled CLI as a user would (child processes), and reading a run's log back for assertions.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeSyntheticProject, PROJECT_ROOT, type SyntheticOptions } from './synthetic.js';

/** The bundled CLI that package.json's `bin` names: tests run what users run. */
export const CLI = join(PROJECT_ROOT, 'dist/bin/phased.js');

/** Environment for child CLIs: fast retries, no crash switch unless asked. */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PHASED_BACKOFF_BASE_MS: '20',
    PHASED_BACKOFF_MAX_MS: '200',
    ...extra,
  };
  if (!extra.PHASED_DB) delete env.PHASED_DB;
  if (!extra.PHASED_CRASH_AT) delete env.PHASED_CRASH_AT;
  return env;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: testEnv(opts.env),
    cwd: opts.cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function startCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    env: testEnv(opts.env),
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `runCli` without blocking the test's event loop: for long runs (the demo) and tests that serve HTTP meanwhile. */
export function runCliAsync(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

export function tempDir(prefix = 'phased-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface LoggedRow {
  seq: number;
  type: string;
  data: Record<string, unknown>;
  state: unknown;
}

export function readEvents(db: string, runId: string): LoggedRow[] {
  const d = new Database(db, { readonly: true });
  try {
    return (
      d.prepare('SELECT seq, type, data, state FROM events WHERE run_id = ? ORDER BY seq').all(runId) as {
        seq: number;
        type: string;
        data: string;
        state: string;
      }[]
    ).map((r) => ({ seq: r.seq, type: r.type, data: JSON.parse(r.data), state: JSON.parse(r.state) }));
  } finally {
    d.close();
  }
}

export function runExists(db: string, runId: string): boolean {
  if (!existsSync(db)) return false;
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const hasRuns = d.prepare("SELECT 1 FROM sqlite_master WHERE name = 'runs'").get();
    return Boolean(hasRuns && d.prepare('SELECT 1 FROM runs WHERE run_id = ?').get(runId));
  } finally {
    d.close();
  }
}

/** The run's current head seq (0 when it has no events or does not exist yet). */
export function headSeq(db: string, runId: string): number {
  if (!runExists(db, runId)) return 0;
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const r = d.prepare('SELECT MAX(seq) AS seq FROM events WHERE run_id = ?').get(runId) as {
      seq: number | null;
    };
    return r.seq ?? 0;
  } finally {
    d.close();
  }
}

/** Poll `probe` until it gives a value; throw naming `what` after `limitMs` (a hang guard, not a timing assertion). */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  limitMs = 60_000,
): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether process `pid` runs (a zombie waiting for init to reap it does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/\) Z /.test(stat);
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** mulberry32: a seeded PRNG so "random" kill moments are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A synthetic project in a fresh temp folder, its log, and run `runId` created there with --detach (not driven). */
export function detachedRun(prefix: string, opts: SyntheticOptions, runId: string) {
  const dir = tempDir(prefix);
  const p = makeSyntheticProject(dir, opts);
  const db = join(dir, 'phased.db');
  const created = runCli(['--db', db, 'run', p.plan, '--run-id', runId, '--detach']);
  if (created.code !== 0) throw new Error(`run ${runId} --detach exited ${created.code}: ${created.stderr}`);
  return { dir, p, db };
}
