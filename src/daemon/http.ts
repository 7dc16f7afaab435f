// Where the console listens: `--http [host:port]` parsing (loopback unless --http-public) and starting the console
// server with its token for a daemon, a driven run or `phased ui`. The server itself is src/console's.

import { dirname, join, resolve } from 'node:path';
import type { EventStore } from '../../store/index.js';
import { type ConsoleServer, loadToken, type ServerInfo, startConsole } from '../console/index.js';
import type { HttpAddress } from './http-address.js';
import type { Metrics } from './metrics.js';

/** The console token file: beside the database (./.phased for a server store), readable by its owner only. */
export function tokenFile(store: EventStore): string {
  return store.backend === 'sqlite'
    ? join(dirname(store.location), 'console-token')
    : resolve('.phased', 'console-token');
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
    store,
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
