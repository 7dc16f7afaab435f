// Reading a postgres:// connection string: where it points (host, port, database, user, schema) and a form that
// is safe to print. Owns no connection; the password never leaves the string handed to the driver.

import { PhasedError } from '../../machines/index.js';

export const DEFAULT_SCHEMA = 'phased';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export interface PgTarget {
  /** The connection string for the driver, without phased's own parameters. */
  connectionString: string;
  host: string;
  port: number;
  database: string;
  user: string;
  schema: string;
  /** host:port/database: safe to print. */
  location: string;
  /** The URL's own `options` (server settings such as `-c synchronous_commit=off`), kept alongside the store's. */
  options: string;
}

/** True for strings --db should treat as PostgreSQL rather than an SQLite file path. */
export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/**
 * `s` as it may be printed: a postgres:// URL's password (in the user part or a `password` parameter) shown as
 * `***`; anything else unchanged. For commands phased suggests (`resume RUN --db …`), which end up in terminals,
 * CI logs and journals.
 */
export function printableDb(s: string): string {
  if (!isPostgresUrl(s)) return s;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return s.replace(/(:\/\/[^:@/\s]*:)[^@\s]*@/, '$1***@');
  }
  if (u.password) u.password = '***';
  if (u.searchParams.has('password')) u.searchParams.set('password', '***');
  return u.toString();
}

/** Parses `url`; `schema` (or the URL's ?schema=) picks the schema, default `phased`. */
export function parsePgUrl(url: string, schemaOpt?: string): PgTarget {
  if (!isPostgresUrl(url)) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      'a PostgreSQL connection string must start with postgres:// or postgresql:// (e.g. postgres://user@host:5432/db)',
    );
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PhasedError(
      'BAD_ARGUMENT',
      'the PostgreSQL connection string is not a valid URL; expected postgres://user:password@host:port/database (percent-encode special characters in the password)',
    );
  }
  const schema = schemaOpt ?? u.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  u.searchParams.delete('schema');
  // Passed on with the store's own settings rather than in place of them (the driver lets the URL's win).
  const options = u.searchParams.get('options') ?? '';
  u.searchParams.delete('options');
  if (!SCHEMA_NAME.test(schema)) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `schema ${JSON.stringify(schema)} is not a plain lower-case name (letters, digits, _; at most 48): choose one like "phased"`,
    );
  }
  const user = decodeURIComponent(u.username) || process.env.PGUSER || 'postgres';
  const host = u.hostname || u.searchParams.get('host') || process.env.PGHOST || 'localhost';
  const port = Number(u.port || u.searchParams.get('port') || process.env.PGPORT || 5432);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || process.env.PGDATABASE || user;
  const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    connectionString: u.toString(),
    host,
    port,
    database,
    user,
    schema,
    location: `${shownHost}:${port}/${database}`,
    options,
  };
}
