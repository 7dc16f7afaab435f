// Where the console listens: `--http [host:port]` parsing (loopback unless --http-public) and starting the console
// server with its token for a daemon, a driven run or `phased ui`. The server itself is src/console's.

import { dirname, join } from 'node:path';
import { PhasedError } from '../../machines/index.js';
import { type EventStore, sqliteSyncOf } from '../../store/index.js';
import { type ConsoleServer, loadToken, type ServerInfo, startConsole } from '../console/index.js';
import type { Metrics } from './metrics.js';

export interface HttpAddress {
  host: string;
  port: number;
}

export const DEFAULT_HTTP = '127.0.0.1:7420';
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

/** Parse `host:port` (`[::1]:port` for IPv6); a non-loopback host needs `allowPublic`. */
export function parseHttpAddress(spec: string, allowPublic = false): HttpAddress {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(spec);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PhasedError('BAD_ARGUMENT', `--http ${spec}: expected host:port, e.g. 127.0.0.1:7420`);
  }
  const host = m[1].replace(/^\[|\]$/g, '');
  if (!allowPublic && !LOOPBACK.test(host)) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `--http ${spec}: ${host} is not a loopback address; other machines could reach the console (they need its token). Add --http-public to serve it anyway.`,
    );
  }
  return { host, port };
}

/** The console token file: beside the database, readable by its owner only. */
export function tokenFile(store: EventStore): string {
  return join(dirname(store.location), 'console-token');
}

export interface ServeOptions {
  mode: ServerInfo['mode'];
  runId?: string;
  /** One line per thing worth telling the operator (stderr). */
  say: (line: string) => void;
}

/** Start the console on `addr` and say where it is and where its token lives. */
export async function serveHttp(
  store: EventStore,
  metrics: Metrics,
  addr: HttpAddress,
  o: ServeOptions,
): Promise<ConsoleServer> {
  const token = loadToken(tokenFile(store));
  const server = await startConsole({
    store: sqliteSyncOf(store),
    metrics,
    addr,
    token,
    mode: o.mode,
    runId: o.runId,
  });
  o.say(`http ${server.url} (the console at /, its API at /api/runs, /metrics)`);
  o.say(
    token.file
      ? `console token (for pause, cancel, retry, approve): in ${token.file}`
      : 'console token: PHASED_HTTP_TOKEN',
  );
  return server;
}
