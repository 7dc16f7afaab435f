// The console's costs on the thread that also drives runs:
// api_run_view_ms: GET /api/runs/:id of a 10⁶-event run, one new event appended before each request (so the view
//   must take it in); api_run_view_cold_ms: the first request of a fresh server (snapshot, tail, marks scan);
// daemon_tick_ms: one scheduler tick with 100 runs in the database (all leased by a live process: nothing to start);
// api_stream_increment_ms: p95 from an append by another connection to its SSE message at a subscriber, 100 runs.

import { request } from 'node:http';
import { startConsole } from '../../src/console/index.js';
import { Daemon, Metrics } from '../../src/daemon/index.js';
import { createRun, ownerId, RunLog } from '../../src/engine/index.js';
import { openEventStore, openStore, SqliteEventStore, type SqliteStore } from '../../store/index.js';
import { writeLongRun } from '../support/long-run.js';
import {
  type BenchContext,
  type Result,
  repeat,
  result,
  type Scenario,
  stats,
  tempDir,
} from '../support/measure.js';
import { benchPlan, calendar } from '../support/plan.js';

const TOKEN = { token: 'bench', file: null };

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(body))));
    })
      .on('error', reject)
      .end();
  });
}

/** `n` runs of a small plan, each leased by this (live) process so a daemon tick starts none of them. */
async function manyRuns(sync: SqliteStore, n: number): Promise<string[]> {
  const store = new SqliteEventStore(sync);
  const plan = benchPlan({ partitions: calendar(30), steps: 3 });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const runId = await createRun(store, plan, { runId: `r${String(i).padStart(3, '0')}` });
    const log = await RunLog.open(store, runId);
    await log.commit([
      ...log.createdEvents(),
      { type: 'DRIVER_ATTACHED', pid: process.pid, host: 'bench', version: 'bench' },
    ]);
    await store.acquireLease(runId, ownerId(), 3_600_000);
    ids.push(runId);
  }
  return ids;
}

async function runView(ctx: BenchContext, file: string): Promise<Result[]> {
  const n = ctx.quick ? 30_000 : 1_000_000;
  const run = await writeLongRun(file, n);
  const store = await openEventStore(file);
  const writer = openStore(file);
  const server = await startConsole({
    store,
    metrics: new Metrics(store, () => 0),
    addr: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    mode: 'ui',
  });
  try {
    const url = `${server.url}/api/runs/${run.runId}`;
    const t0 = performance.now();
    await getJson(url);
    const cold = performance.now() - t0;
    const log = await RunLog.open(new SqliteEventStore(writer), run.runId);
    const s = await repeat(Math.max(ctx.runs, 20), async () => {
      await log.commit([{ type: 'DRIVER_ATTACHED', pid: process.pid, host: 'bench', version: 'bench' }]);
      const t = performance.now();
      const v = (await getJson(url)) as { headSeq: number };
      const ms = performance.now() - t;
      if (v.headSeq !== log.seq) throw new Error(`view at seq ${v.headSeq}, log at ${log.seq}`);
      return ms;
    });
    const note = `${run.events} events${ctx.quick ? ' (quick: reduced size, no verdict)' : ''}`;
    return [
      result(
        'api_run_view_ms',
        'ms',
        s,
        ctx.quick ? undefined : { atMost: 20 },
        `${note}, one new event per request`,
      ),
      result(
        'api_run_view_cold_ms',
        'ms',
        stats([cold]),
        undefined,
        `${note}, first request of a fresh server`,
      ),
    ];
  } finally {
    await server.close();
    writer.close();
    await store.close();
  }
}

async function tick(ctx: BenchContext, store: SqliteStore, logDir: string): Promise<Result> {
  const daemon = new Daemon({ store: new SqliteEventStore(store), logDir });
  const s = await repeat(Math.max(ctx.runs, 50), async () => {
    const t = performance.now();
    await daemon.tick();
    const ms = performance.now() - t;
    if (daemon.runs().length !== 0) throw new Error('the tick started driving a leased run');
    return ms;
  });
  return result(
    'daemon_tick_ms',
    'ms',
    s,
    { atMost: 5 },
    '100 runs in the database, all leased by a live process',
  );
}

async function stream(ctx: BenchContext, file: string, runId: string): Promise<Result> {
  const store = await openEventStore(file);
  const server = await startConsole({
    store,
    metrics: new Metrics(store, () => 0),
    addr: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    mode: 'ui',
  });
  const writer = openStore(file);
  const log = await RunLog.open(new SqliteEventStore(writer), runId);
  const waiting = new Map<number, (t: number) => void>();
  const req = request(`${server.url}/api/runs/${runId}/stream`, (res) => {
    let buf = '';
    res.on('data', (d) => {
      buf += d;
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const msg = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const id = /^id: (\d+)$/m.exec(msg);
        if (id) waiting.get(Number(id[1]))?.(performance.now());
      }
    });
  });
  req.end();
  try {
    await new Promise((r) => setTimeout(r, 200));
    const n = ctx.quick ? 50 : 200;
    const lat: number[] = [];
    for (let i = 0; i < n; i++) {
      const seq = log.seq + 1;
      const got = new Promise<number>((resolve) => waiting.set(seq, resolve));
      const t = performance.now();
      await log.commit([{ type: 'DRIVER_ATTACHED', pid: process.pid, host: 'bench', version: 'bench' }]);
      lat.push((await got) - t);
      waiting.delete(seq);
      // Appends arrive at random points of the poll cycle, as a driver's do.
      await new Promise((r) => setTimeout(r, Math.random() * 15));
    }
    const sorted = [...lat].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
    const s = { median: p95, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
    return result(
      'api_stream_increment_ms',
      'ms',
      s,
      { atMost: 20 },
      `p95 of ${n} appends by another connection to their SSE message; 100 runs in the database`,
    );
  } finally {
    req.destroy();
    await server.close();
    writer.close();
    await store.close();
  }
}

export const apiConsole: Scenario = {
  id: 'api',
  names: ['api_run_view_ms', 'api_run_view_cold_ms', 'daemon_tick_ms', 'api_stream_increment_ms'],
  async run(ctx: BenchContext) {
    const tmp = tempDir();
    try {
      const out = await runView(ctx, tmp.file('long.db'));
      const file = tmp.file('many.db');
      const store = openStore(file);
      try {
        const ids = await manyRuns(store, 100);
        out.push(await tick(ctx, store, tmp.file('logs')));
        out.push(await stream(ctx, file, ids[0]));
      } finally {
        store.close();
      }
      return out;
    } finally {
      tmp.done();
    }
  },
};
