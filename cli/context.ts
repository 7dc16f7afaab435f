// What every command shares: global options, opening the event store, printing, and exit codes.
// Commands stay thin: parse, call src/, print.

import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PhasedError } from '../src/errors/index.js';
import { type EventStore, isPostgresUrl, openEventStore } from '../store/index.js';
import { exitCodeFor } from './exit-codes.js';

export interface GlobalOptions {
  db?: string;
  logLevel?: string;
  json?: boolean;
  synchronous?: 'NORMAL' | 'FULL';
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** `scheme://…`: a URL, which phased does not take for a file name (SQLite would create `postgres:/…`). */
const URL_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Where the event log lives: --db, else PHASED_DB, else .phased/phased.db. A postgres:// URL is the team store on
 * PostgreSQL; any other URL is refused (exit 2); anything else is an SQLite file path.
 */
export function dbPath(g: GlobalOptions): string {
  const given = g.db ?? process.env.PHASED_DB;
  if (given !== undefined && isPostgresUrl(given)) return given;
  if (given !== undefined && URL_FORM.test(given)) {
    const where = g.db !== undefined ? '--db' : 'PHASED_DB';
    const scheme = given.slice(0, given.indexOf(':'));
    throw badArgument(
      `${where} ${given} is a ${scheme}:// URL, which phased does not serve: give an SQLite file path ` +
        `(e.g. --db .phased/phased.db; a missing file is created) or a PostgreSQL URL (postgres://user@host:5432/db).`,
    );
  }
  return resolve(given ?? join('.phased', 'phased.db'));
}

/** The `--db` words a suggested command carries: the given --db, or none (the default or PHASED_DB applies). */
export function dbArgs(g: GlobalOptions): string[] {
  return g.db ? ['--db', g.db] : [];
}

/** Logs and command output live beside the database (`<db dir>/logs`); with PostgreSQL, in ./.phased/logs. */
export function logDir(g: GlobalOptions): string {
  const db = dbPath(g);
  return isPostgresUrl(db) ? resolve('.phased', 'logs') : join(dirname(db), 'logs');
}

function storeOptions(g: GlobalOptions, opts: { readonly?: boolean }) {
  const sync = g.synchronous ?? (process.env.PHASED_SYNCHRONOUS as GlobalOptions['synchronous']);
  const every = process.env.PHASED_SNAPSHOT_EVERY ? Number(process.env.PHASED_SNAPSHOT_EVERY) : undefined;
  return { readonly: opts.readonly, synchronous: sync, snapshotEvery: every };
}

/** The event store --db names, as the interface every backend implements (through openEventStore). */
export function openEvents(g: GlobalOptions, opts: { readonly?: boolean } = {}): Promise<EventStore> {
  return openEventStore(dbPath(g), storeOptions(g, opts));
}

let stdoutGone = false;

/**
 * Once per process (main): a reader that goes away (`phased replay RUN | head`, `less` quit early) ends output
 * quietly instead of with an EPIPE stack trace. Output to it is dropped from then on; streaming commands stop
 * early (see readerGone) and every command exits with the code it would have had (a run keeps running).
 */
export function guardOutput(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    stdoutGone = true;
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') {
      process.stderr.write(`phased: cannot write output: ${err.message}\n`);
      process.exitCode = 1;
    }
  });
  // A closed stderr (`phased run … 2>&1 | head`) loses the progress lines and nothing else.
  process.stderr.on('error', () => undefined);
}

/** True once stdout's reader went away: callers writing many lines stop. */
export function readerGone(): boolean {
  // The write that hit EPIPE marks the stream errored at once; its 'error' event comes a tick later.
  if (!stdoutGone && (process.stdout.errored as NodeJS.ErrnoException | null)?.code === 'EPIPE') {
    stdoutGone = true;
  }
  return stdoutGone;
}

export function print(text: string): void {
  if (readerGone()) return;
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** Wrap a command handler: its return value is the exit code; errors print one paragraph, never a stack. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<number | undefined> | number | undefined,
) {
  return async (...args: A): Promise<void> => {
    let code: number;
    try {
      code = (await fn(...args)) ?? 0;
    } catch (err) {
      code = reportError(err);
    }
    if (!readerGone()) await new Promise<void>((r) => process.stdout.write('', () => r()));
    process.exit(code);
  };
}

export function reportError(err: unknown): number {
  if (err instanceof PhasedError) {
    process.stderr.write(`phased: ${err.message}\n`);
    return exitCodeFor(err.code);
  }
  const e = err as Error;
  process.stderr.write(`phased: internal error: ${e?.message ?? String(err)}\n`);
  if (process.env.PHASED_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return 1;
}

export function badArgument(message: string): PhasedError {
  return new PhasedError('BAD_ARGUMENT', message);
}
