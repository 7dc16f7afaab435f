// The daemon's HTTP endpoint: /metrics (Prometheus text), /api/runs, /api/runs/:id (+ /units, /events), and /
// (a live page). Loopback only unless asked; read-only: it never appends to the log.

import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PhasedError } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { listRuns, runView, timelineEntry } from '../observe/index.js';
import type { Metrics } from './metrics.js';
import { DASHBOARD_HTML } from './page.js';

export interface HttpAddress {
  host: string;
  port: number;
}

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
      `--http ${spec}: ${host} is not a loopback address; the endpoint has no authentication. Add --http-public to serve it anyway.`,
    );
  }
  return { host, port };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function serveHttp(
  store: EventStore,
  metrics: Metrics,
  addr: HttpAddress,
): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    try {
      if (req.method !== 'GET') return json(res, 405, { error: 'read-only endpoint: GET only' });
      if (path === '/metrics') {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        return void res.end(text);
      }
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(DASHBOARD_HTML);
      }
      if (path === '/api/runs') return json(res, 200, listRuns(store));
      const m = /^\/api\/runs\/([^/]+)(\/units|\/events)?$/.exec(path);
      if (m) {
        const runId = decodeURIComponent(m[1]);
        store.requireRun(runId);
        if (m[2] === '/units') return json(res, 200, store.units(runId));
        if (m[2] === '/events') {
          const head = store.head(runId).seq;
          const from = Math.max(1, Number(url.searchParams.get('from') ?? head - 99) || 1);
          return json(
            res,
            200,
            [...store.events(runId, { fromSeq: from, toSeq: from + 499 })].map(timelineEntry),
          );
        }
        return json(res, 200, runView(store, runId));
      }
      return json(res, 404, { error: `no route ${path}` });
    } catch (err) {
      if (err instanceof PhasedError)
        return json(res, err.code === 'RUN_NOT_FOUND' ? 404 : 400, { error: err.message });
      return json(res, 500, { error: (err as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new PhasedError('BAD_ARGUMENT', `--http: cannot listen on ${addr.host}:${addr.port}: ${err.message}`),
      ),
    );
    server.listen(addr.port, addr.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return { server, url: `http://${host}:${a.port}` };
}
