// What an SQLite error on a write to the event log means to the user: the file's disk is full, failed or
// became read-only, or the file is damaged. Each becomes a PhasedError naming the file and what to do; any
// other error (CONFLICT, LEASE_LOST, a bug) passes through unchanged. Reads are not translated here.

import { PhasedError } from '../machines/index.js';

/** better-sqlite3's SqliteError carries SQLite's extended result code as a name (SQLITE_IOERR_WRITE, …). */
function sqliteCode(err: unknown): string | undefined {
  if (err instanceof PhasedError) return undefined;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** Why a write failed, in the user's words, or undefined when the error is not about the file or its disk. */
function cause(code: string): { why: string; fix: string; retryable: boolean; bad?: true } | undefined {
  if (code === 'SQLITE_FULL') {
    return { why: 'its disk is full', fix: 'free space on that disk', retryable: true };
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return {
      why: 'the disk reported an I/O error; a full disk or a file size limit (ulimit -f) shows this way too',
      fix: 'check the disk, its free space and the limits of the process',
      retryable: true,
    };
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return {
      why: 'the file, or its folder, cannot be written any more',
      fix: 'make the file and its folder writable again',
      retryable: false,
    };
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return {
      why: 'the file is damaged',
      fix: 'restore it from a copy (`phased replay RUN --verify` shows what a copy holds)',
      retryable: false,
      bad: true,
    };
  }
  return undefined;
}

/**
 * `err` from trying to `what` (e.g. "append events") in the event log `file`, as the user should read it. A write
 * that fails this way is rolled back by SQLite; the log holds what was committed before it.
 */
export function storageError(err: unknown, file: string, what: string): unknown {
  const code = sqliteCode(err);
  const c = code === undefined ? undefined : cause(code);
  if (code === undefined || c === undefined) return err;
  return new PhasedError(
    c.bad ? 'DB_INVALID' : 'BACKEND',
    `cannot ${what}: the event log ${file} could not be written (${code}: ${c.why}). The log keeps what was written before it; ${c.fix}, then try again.`,
    { retryable: c.retryable, cause: err, details: { file, sqlite: code } },
  );
}
