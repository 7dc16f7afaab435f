// What a PostgreSQL or network error means to the store: a lost connection (retry, or resolve an append whose
// commit is in doubt), an error raised on purpose by the store's own SQL functions, or a failure to connect at
// all (bad input: names host and database, never the password).

import { PhasedError } from '../../machines/index.js';
import type { PgTarget } from './url.js';

/** SQLSTATEs the store's SQL functions raise (schema.ts). */
export const SQLSTATE = {
  runNotFound: 'PH404',
  conflict: 'PH409',
  leaseLost: 'PH410',
  headMismatch: 'PH422',
} as const;

const LOST_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01', // admin_shutdown (pg_terminate_backend, a fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The connection to the server went away (or could not be made): the operation may be retried. */
export function isConnectionLost(err: unknown): boolean {
  if (err instanceof PhasedError) return false;
  const code = sqlState(err);
  if (code !== undefined && LOST_CODES.has(code)) return true;
  const msg = err instanceof Error ? err.message : '';
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Connection ended/i.test(
    msg,
  );
}

/** A retryable BACKEND error for an operation that kept losing its connection until the retry deadline. */
export function unavailable(target: PgTarget, what: string, cause: unknown): PhasedError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new PhasedError(
    'BACKEND',
    `PostgreSQL at ${target.location} stayed unreachable while trying to ${what} (${why}); check that the server is up, then run the command again`,
    { retryable: true, cause, details: { location: target.location } },
  );
}

/** Why the first connection failed, as bad input (exit 2): host, database and user named, password never. */
export function connectError(target: PgTarget, err: unknown): PhasedError {
  const code = sqlState(err);
  const at = `PostgreSQL at ${target.location} (user ${target.user})`;
  const fix = 'Check the connection string (--db or PHASED_DB; --to for db copy)';
  let what: string;
  if (code === '28P01' || code === '28000') {
    what = `${at} refused the login: wrong user or password. ${fix} (the password, or a PGPASSWORD / ~/.pgpass entry).`;
  } else if (code === '3D000') {
    what = `${at}: database ${target.database} does not exist. Create it (createdb ${target.database}) or ${fix.toLowerCase()}.`;
  } else if (code === '42501') {
    what = `${at}: permission denied to create or use schema ${target.schema}. Grant CREATE on the database, or pick another schema with ?schema=.`;
  } else if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') {
    what = `${at} is unreachable (${code}): is the server running and listening there? ${fix}.`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    what = `${at}: host ${target.host} not found. ${fix}.`;
  } else {
    const msg = err instanceof Error ? err.message : String(err);
    what = `${at} cannot be used as a phased store (${redact(msg, target)}). ${fix}.`;
  }
  return new PhasedError(code === '42501' ? 'DB_INVALID' : 'BAD_ARGUMENT', what, {
    details: { location: target.location, user: target.user, code },
  });
}

/** Strips anything that looks like a connection string's password out of a message. */
function redact(msg: string, target: PgTarget): string {
  const pw = decodeURIComponent(new URL(target.connectionString).password);
  const out = msg.replace(/(postgres(?:ql)?:\/\/[^:@/\s]*:)[^@\s]*@/gi, '$1***@');
  return pw ? out.split(pw).join('***') : out;
}
