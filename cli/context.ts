// What every command shares: global options, opening the event store, printing, and exit codes.
// Commands stay thin: parse, call src/, print.

import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { exitCodeFor, PhasedError } from '../machines/index.js';
import { type EventStore, openStore } from '../store/index.js';

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

/** The event log's file: --db, else PHASED_DB, else .phased/phased.db. A URL is refused (exit 2). */
export function dbPath(g: GlobalOptions): string {
  const given = g.db ?? process.env.PHASED_DB;
  if (given !== undefined && URL_FORM.test(given)) {
    const where = g.db !== undefined ? '--db' : 'PHASED_DB';
    const scheme = given.slice(0, given.indexOf(':'));
    throw badArgument(
      `${where} ${given} is a ${scheme}:// URL, which phased does not serve: the event log is an SQLite file, so give a file path ` +
        `(e.g. --db .phased/phased.db; a missing file is created). PostgreSQL is not served yet.`,
    );
  }
  return resolve(given ?? join('.phased', 'phased.db'));
}

/** Logs and command output live beside the database: `<db dir>/logs`. */
export function logDir(g: GlobalOptions): string {
  return join(dirname(dbPath(g)), 'logs');
}

export function openDb(g: GlobalOptions, opts: { readonly?: boolean } = {}): EventStore {
  const sync = g.synchronous ?? (process.env.PHASED_SYNCHRONOUS as GlobalOptions['synchronous']);
  const every = process.env.PHASED_SNAPSHOT_EVERY ? Number(process.env.PHASED_SNAPSHOT_EVERY) : undefined;
  return openStore(dbPath(g), { readonly: opts.readonly, synchronous: sync, snapshotEvery: every });
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
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
    await new Promise<void>((r) => process.stdout.write('', () => r()));
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
