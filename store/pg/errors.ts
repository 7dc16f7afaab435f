// What a PostgreSQL or network error means to the store: a lost connection (retry, or resolve an append whose
// commit is in doubt), an error raised on purpose by the store's own SQL functions, a condition of the server
// (read-only, out of disk or connections, corrupted) in the user's words, or a failure to connect at all (bad
// input: names host and database, never the password).

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

interface ServerCause {
  why: string;
  fix: string;
  retryable: boolean;
  /** Not the server's state but the store's set-up or data: exit 2. */
  bad?: true;
}

const AGAIN = 'then run the command again';
const BY_CODE: Record<string, ServerCause> = {
  '25006': {
    why: 'is read-only (a standby, as after a failover, or default_transaction_read_only is on for the database or user)',
    fix: `Point --db or PHASED_DB at the primary server, or turn read-only off; ${AGAIN}`,
    retryable: true,
  },
  '53100': {
    why: 'is out of disk space',
    fix: `Free space on the database server; ${AGAIN}`,
    retryable: true,
  },
  '53200': { why: 'is out of memory', fix: `Check the server's memory and load; ${AGAIN}`, retryable: true },
  '53300': {
    why: 'has no connection left (max_connections, or the database or user connection limit)',
    fix: `Close idle connections or raise the limit; ${AGAIN}`,
    retryable: true,
  },
  '57014': {
    why: 'cancelled a statement (the store sets statement_timeout to 30 s; an operator may have cancelled it)',
    fix: `Look for long-held locks on the store's tables; ${AGAIN}`,
    retryable: true,
  },
  '40001': { why: 'could not serialize a transaction', fix: 'Run the command again', retryable: true },
  '40P01': {
    why: 'broke a deadlock by failing a transaction',
    fix: 'Run the command again',
    retryable: true,
  },
  '42501': {
    why: 'refused the store a privilege it needs',
    fix: 'Grant the user USAGE and CREATE on the schema and read and write on its tables (or use the role that created them)',
    retryable: false,
    bad: true,
  },
  XX001: {
    why: 'found data of the store corrupted',
    fix: "Restore the database from a backup (phased replay RUN --verify checks a run's chain there)",
    retryable: false,
    bad: true,
  },
  XX002: {
    why: 'found an index of the store corrupted',
    fix: 'REINDEX the schema, or restore the database from a backup',
    retryable: false,
    bad: true,
  },
};
/** By class (the SQLSTATE's first two characters), for codes not listed above. */
const BY_CLASS: Record<string, ServerCause> = {
  '53': { why: 'is out of a resource', fix: `Check the server; ${AGAIN}`, retryable: true },
  '58': {
    why: 'reported a system error (its disk or files)',
    fix: `Check the server's disk and logs; ${AGAIN}`,
    retryable: true,
  },
};

/**
 * A server condition the user must act on (read-only, out of disk or connections, a cancelled statement, missing
 * privileges, corruption) as a PhasedError naming the server, the SQLSTATE and what to do; anything else (lost
 * connections, the store's own SQLSTATEs, bugs) unchanged. The transaction it failed was rolled back.
 */
export function serverError(err: unknown, target: PgTarget): unknown {
  if (err instanceof PhasedError) return err;
  const code = sqlState(err);
  const c = code === undefined ? undefined : (BY_CODE[code] ?? BY_CLASS[code.slice(0, 2)]);
  if (code === undefined || c === undefined) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new PhasedError(
    c.bad ? 'DB_INVALID' : 'BACKEND',
    `PostgreSQL at ${target.location} (user ${target.user}) ${c.why}: SQLSTATE ${code}, ${redact(msg, target)}. The event log is as it was before this request. ${c.fix}.`,
    { retryable: c.retryable, cause: err, details: { location: target.location, code } },
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
    // A condition of the server (read-only, out of connections or disk) is told as such, not as a bad URL.
    const server = serverError(err, target);
    if (server instanceof PhasedError) return server;
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
