// The console's HTTP server (DESIGN §8): the page's static files, /metrics, the JSON API answered from the runs
// held in memory (projections, snapshots and new events only; a rebuild only for time travel), Server-Sent
// Events, and control requests that append to the log with the CLI's rules. Refuses requests that do not name
// this server in Host/Origin; control requests (and any request from off this machine) need the token.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PhasedError } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import type { HttpAddress } from '../daemon/http-address.js';
import type { Metrics } from '../daemon/metrics.js';
import type {
  ApiError,
  ControlAction,
  RunListResponse,
  ServerInfo,
  UnitsResponse,
  VerifyView,
} from './api-types.js';
import { type ConsoleToken, HostCheck, isLoopbackAddress, tokenMatches } from './auth.js';
import { CONTROL_ACTIONS, parseControlBody, runControl } from './controls.js';
import { costInputs } from './cost-view.js';
import { coverageAtHead } from './coverage.js';
import { RunEstimates } from './estimate.js';
import { EVENTS_LIMIT, EVENTS_MAX, eventsPage, timeline } from './events.js';
import { machineDefinition } from './machine-layout.js';
import { ownerOf, RunCache } from './run-cache.js';
import { defaultAssetsDir, StaticAssets } from './static.js';
import { StreamHub } from './stream.js';
import { TimeTravel } from './time-travel.js';
import { listItem, runDetail, streamHead } from './views.js';

export interface ConsoleOptions {
  /** The store to read (and to append control events to). */
  store: EventStore;
  addr: HttpAddress;
  metrics: Metrics;
  token: ConsoleToken;
  mode: ServerInfo['mode'];
  /** The run this process drives (`run`/`resume --http`). */
  runId?: string;
  assetsDir?: string;
  version?: string;
  /** How often SSE looks for new events (ms). */
  pollMs?: number;
}

export interface ConsoleServer {
  server: Server;
  url: string;
  /** Look for new events now (call after this process appended). */
  poke(): void;
  close(): Promise<void>;
}

const BODY_MAX = 64 * 1024;
const UNITS_MAX = 10_000;
const UNIT_STATUSES = new Set(['pending', 'started', 'succeeded', 'failed']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function statusOf(err: PhasedError): number {
  switch (err.code) {
    case 'RUN_NOT_FOUND':
      return 404;
    case 'INVALID_COMMAND':
    case 'LEASE_HELD':
    case 'CONFLICT':
    case 'LOG_TAMPERED':
      return 409;
    case 'BAD_ARGUMENT':
    case 'PLAN_INVALID':
      return 400;
    default:
      return 500;
  }
}

function intParam(url: URL, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return fallback;
  if (!/^\d+$/.test(v)) throw new HttpError(400, `${name}=${v}: expected a whole number`);
  return Math.min(max, Math.max(min, Number(v)));
}

function listParam(url: URL, name: string): string[] | undefined {
  const v = url.searchParams.get(name);
  return v ? v.split(',').filter(Boolean) : undefined;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > BODY_MAX) throw new HttpError(413, `the body is over ${BODY_MAX} bytes`);
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON: send {"reason": "…"} with content-type application/json');
  }
}

export async function startConsole(opts: ConsoleOptions): Promise<ConsoleServer> {
  const store = opts.store;
  const cache = new RunCache(store);
  const travel = new TimeTravel(store);
  const estimates = new RunEstimates(store);
  const assets = new StaticAssets(opts.assetsDir ?? defaultAssetsDir());
  const headOf = async (runId: string) => {
    const row = await store.views.runSummary(runId);
    const live = await cache.get(runId, row?.headSeq);
    if (!row || !live) throw new HttpError(404, `run ${runId} not found`);
    return streamHead(listItem(row, live, ownerOf(row), await live.statusEta()));
  };
  const hub = new StreamHub(store, headOf, opts.pollMs);
  let hosts: HostCheck | undefined;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const path = url.pathname;
    if (!hosts?.hostOk(req.headers.host)) {
      throw new HttpError(
        421,
        `Host ${req.headers.host ?? '(none)'} is not this server: use its own address`,
      );
    }
    if (!hosts.originOk(req.headers.origin as string | undefined)) {
      throw new HttpError(403, `Origin ${req.headers.origin} is not this server`);
    }
    const authed = tokenMatches(req, url, opts.token.token);
    const local = isLoopbackAddress(req.socket.remoteAddress);
    if (req.method === 'POST') {
      const m = /^\/api\/runs\/([^/]+)\/([a-z]+)$/.exec(path);
      if (!m || !CONTROL_ACTIONS.includes(m[2] as ControlAction)) {
        throw new HttpError(404, `no route POST ${path} (controls: ${CONTROL_ACTIONS.join(', ')})`);
      }
      if (!authed) throw new HttpError(401, 'control requests need Authorization: Bearer <console token>');
      const body = parseControlBody(await readBody(req));
      const runId = decodeURIComponent(m[1]);
      await store.requireRun(runId);
      const out = await runControl(store, runId, m[2] as ControlAction, body);
      hub.poke();
      return send(res, 200, out);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(405, `${req.method} is not served here`);
    if (!local && !authed)
      throw new HttpError(401, 'requests from other hosts need Authorization: Bearer <console token>');
    if (path === '/metrics') {
      const text = await opts.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': opts.metrics.registry.contentType });
      return void res.end(text);
    }
    if (!path.startsWith('/api/')) return assets.serve(path, res);
    if (path === '/api/info') {
      const info: ServerInfo = {
        version: opts.version ?? '',
        mode: opts.mode,
        runId: opts.runId ?? null,
        db: store.location,
        tokenRequired: true,
      };
      return send(res, 200, info);
    }
    if (path === '/api/runs') {
      const only = listParam(url, 'status');
      const now = Date.now();
      const all = await Promise.all(
        (await cache.list()).map(async ({ row, live, owner }) =>
          listItem(row, live, owner, await live.statusEta(), now),
        ),
      );
      const runs = all.filter((r) => !only || only.includes(r.status));
      const body: RunListResponse = runs;
      return send(res, 200, body);
    }
    const m =
      /^\/api\/runs\/([^/]+)(?:\/(units|events|timeline|machine|coverage|verify|stream|at|estimate)(?:\/([^/]+))?)?$/.exec(
        path,
      );
    if (!m) throw new HttpError(404, `no route GET ${path}`);
    const runId = decodeURIComponent(m[1]);
    const row = await store.views.runSummary(runId);
    if (!row)
      throw (await store.views.planJson(runId)) === undefined
        ? await cache.notFound(runId)
        : new HttpError(404, runId);
    const live = await cache.get(runId, row.headSeq);
    if (!live) throw await cache.notFound(runId);
    const head = live.seq;
    switch (m[2]) {
      case undefined: {
        await live.loadMarks();
        await live.advance();
        const detail = runDetail(row, live, ownerOf(row), await costInputs(store, live));
        if (!detail.headHash) detail.headHash = (await store.head(runId)).hash;
        return send(res, 200, detail);
      }
      case 'units': {
        const status = listParam(url, 'status');
        for (const s of status ?? []) {
          if (!UNIT_STATUSES.has(s))
            throw new HttpError(400, `status=${s}: expected pending, started, succeeded or failed`);
        }
        const page = await store.views.unitsPage(runId, {
          step: url.searchParams.get('step') ?? undefined,
          partition: url.searchParams.get('partition') ?? undefined,
          status: status as never,
          retrying: url.searchParams.get('retrying') === '1',
          limit: intParam(url, 'limit', 1000, 1, UNITS_MAX),
          offset: intParam(url, 'offset', 0),
        });
        const open = live.open;
        const body: UnitsResponse = {
          total: page.total,
          units: page.units.map((u) => {
            const error = u.error ? JSON.parse(u.error) : null;
            const retrying = u.status === 'pending' && error !== null;
            const at = open.get(`${u.step}\u0000${u.partition}`)?.retryAt ?? null;
            return {
              step: u.step,
              partition: u.partition,
              status: u.status,
              retrying,
              attempts: u.attempts,
              rows: u.rows,
              jobRef: u.jobRef,
              error,
              lastSeq: u.lastSeq,
              retryAt: retrying && at !== null ? new Date(at).toISOString() : null,
            };
          }),
        };
        return send(res, 200, body);
      }
      case 'events': {
        const from = intParam(url, 'from', Math.max(1, head - EVENTS_LIMIT + 1), 1);
        const to = url.searchParams.has('to') ? intParam(url, 'to', head, 0) : undefined;
        const types = listParam(url, 'type');
        return send(
          res,
          200,
          await eventsPage(
            store,
            runId,
            {
              from,
              to,
              types: types ? new Set(types) : undefined,
              step: url.searchParams.get('step') ?? undefined,
              partition: url.searchParams.get('partition') ?? undefined,
              limit: intParam(url, 'limit', EVENTS_LIMIT, 1, EVENTS_MAX),
            },
            head,
          ),
        );
      }
      case 'timeline':
        return send(res, 200, await timeline(store, runId, head));
      case 'estimate':
        return send(res, 200, await estimates.get(live, url.searchParams.get('refresh') === '1'));
      case 'machine':
        return send(res, 200, await machineDefinition(live.plan, row.planHash));
      case 'coverage':
        return send(
          res,
          200,
          coverageAtHead(
            live.plan,
            live.baseline,
            await store.units(runId),
            live.snapshot.context.gates,
            head,
          ),
        );
      case 'verify': {
        const r = await store.verifyChain(runId);
        const h = await store.head(runId);
        const body: VerifyView = { ok: r.ok, count: r.count, headSeq: h.seq, headHash: h.hash };
        if (r.firstBadSeq !== undefined) body.firstBadSeq = r.firstBadSeq;
        if (r.reason !== undefined) body.reason = r.reason;
        return send(res, 200, body);
      }
      case 'at': {
        if (!m[3] || !/^\d+$/.test(m[3])) throw new HttpError(400, `at/${m[3] ?? ''}: expected a seq number`);
        return send(res, 200, await travel.at(runId, Number(m[3]), live.plan, head));
      }
      case 'stream': {
        const last = req.headers['last-event-id'];
        const after =
          typeof last === 'string' && /^\d+$/.test(last)
            ? Number(last)
            : url.searchParams.has('from')
              ? intParam(url, 'from', head)
              : head;
        return hub.subscribe(runId, res, after);
      }
    }
    throw new HttpError(404, `no route GET ${path}`);
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      const body: ApiError = { error: (err as Error).message };
      if (err instanceof HttpError) {
        if (err.code) body.code = err.code;
        return send(res, err.status, body);
      }
      if (err instanceof PhasedError) {
        body.code = err.code;
        return send(res, statusOf(err), body);
      }
      send(res, 500, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new PhasedError(
          'BAD_ARGUMENT',
          `--http: cannot listen on ${opts.addr.host}:${opts.addr.port}: ${err.message}`,
        ),
      ),
    );
    server.listen(opts.addr.port, opts.addr.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  hosts = new HostCheck(a.address, a.port);
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    server,
    url: `http://${host}:${a.port}`,
    poke: () => hub.poke(),
    close: async () => {
      hub.close();
      cache.close();
      estimates.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
