// The console's HTTP API against real processes: `phased run --http` drives a run while `phased ui` serves the same
// database; every route's numbers are checked against `status --json` / `replay --at --json` of the same run, the
// controls pause and resume it through the log (by: http), and the SSE stream delivers every event in order.
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, events, runStatusOf, slowProject, start, tmp, waitFor } from '../support/ops.js';

interface Reply {
  status: number;
  body: string;
}

/** A raw HTTP request (fetch cannot set Host). */
function call(
  base: string,
  method: string,
  path: string,
  o: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const data = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = request(
      u,
      {
        method,
        headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...o.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function get<T>(base: string, path: string): Promise<T> {
  const r = await call(base, 'GET', path);
  expect(r.status, `${path}: ${r.body}`).toBe(200);
  return JSON.parse(r.body) as T;
}

/** Read an SSE stream until `until` holds; returns the `event` messages' ids in order. */
function collectStream(
  base: string,
  path: string,
  headers: Record<string, string>,
  until: (types: string[]) => boolean,
): Promise<{ seqs: number[]; heads: { headSeq: number }[] }> {
  return new Promise((resolve, reject) => {
    const seqs: number[] = [];
    const types: string[] = [];
    const heads: { headSeq: number }[] = [];
    const req = request(new URL(path, base), { headers }, (res) => {
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const msg = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const kind = /^event: (.*)$/m.exec(msg)?.[1];
          const data = /^data: (.*)$/m.exec(msg)?.[1];
          if (kind === 'event') {
            const id = Number(/^id: (\d+)$/m.exec(msg)?.[1]);
            const e = JSON.parse(data ?? '{}') as { seq: number; type: string };
            expect(e.seq).toBe(id);
            seqs.push(id);
            types.push(e.type);
          }
          if (kind === 'head') heads.push(JSON.parse(data ?? '{}'));
          if (until(types)) {
            req.destroy();
            resolve({ seqs, heads });
            return;
          }
          i = buf.indexOf('\n\n');
        }
      });
    });
    req.on('error', (e) => {
      if (!req.destroyed) reject(e);
    });
    req.end();
  });
}

interface StepJson {
  id: string;
  total: number;
  done: number;
  failed: number;
  pending: number;
}

describe('console API', () => {
  it('serves a run driven by another process: routes agree with status --json, controls pause and resume it', async () => {
    const dir = tmp('phased-console-');
    const db = join(dir, 'phased.db');
    const p = slowProject(join(dir, 'p'), { dates: 6, sleepMs: 400, concurrency: 1 });
    const driver = start(db, ['run', p.plan, '--run-id', 'c1', '--http', '127.0.0.1:0']);
    const runUrl = await waitFor(() => /^http (http:\/\/\S+)/m.exec(driver.err())?.[1], 'run --http address');
    const ui = start(db, ['ui', '--http', '127.0.0.1:0']);
    const base = await waitFor(() => /http (http:\/\/\S+)/.exec(ui.err())?.[1], 'ui address');
    const tokenPath = await waitFor(() => /console token .*: in (\S+)/.exec(ui.err())?.[1], 'token path');
    expect(tokenPath).toBe(join(dir, 'console-token'));
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    const { readFileSync } = await import('node:fs');
    const token = readFileSync(tokenPath, 'utf8').trim();
    const auth = { authorization: `Bearer ${token}` };
    const port = new URL(base).port;

    // The driving process serves the same run and says so.
    const info = await get<{ mode: string; runId: string }>(runUrl, '/api/info');
    expect(info).toMatchObject({ mode: 'run', runId: 'c1' });

    await waitFor(
      () => events(db, 'c1').some((e) => e.type === 'UNIT_SUCCEEDED' && e.data.step === 'c'),
      'the command step under way',
    );

    // DNS rebinding: a Host or Origin that is not this server is refused, with or without the token.
    expect((await call(base, 'GET', '/api/runs', { headers: { host: `evil.example:${port}` } })).status).toBe(
      421,
    );
    const before = events(db, 'c1').length;
    const foreign = await call(base, 'POST', '/api/runs/c1/pause', {
      headers: { ...auth, origin: 'http://evil.example' },
      body: { reason: 'x' },
    });
    expect(foreign.status).toBe(403);
    // No token: 401, nothing appended.
    const anon = await call(base, 'POST', '/api/runs/c1/pause', { body: { reason: 'no token' } });
    expect(anon.status).toBe(401);
    const wrong = await call(base, 'POST', '/api/runs/c1/pause', {
      headers: { authorization: 'Bearer nope' },
      body: { reason: 'bad token' },
    });
    expect(wrong.status).toBe(401);
    expect(events(db, 'c1').some((e) => e.type.startsWith('PAUSE'))).toBe(false);
    expect(before).toBeGreaterThan(0);

    // Pause from the console: the log records by: http; the driving process stops with exit 3.
    const paused = await call(base, 'POST', '/api/runs/c1/pause', {
      headers: { ...auth, origin: base },
      body: { reason: 'looking at it' },
    });
    expect(paused.status, paused.body).toBe(200);
    const pr = JSON.parse(paused.body) as { appended: string[]; seqs: number[]; driver: string | null };
    expect(pr.appended).toEqual(['PAUSE_REQUESTED']);
    const logged = events(db, 'c1').find((e) => e.seq === pr.seqs[0]);
    expect(logged).toMatchObject({ type: 'PAUSE_REQUESTED', data: { by: 'http', reason: 'looking at it' } });
    expect(await driver.exit).toBe(3);
    expect(runStatusOf(db, 'c1')).toBe('paused');

    // Refused as the CLI refuses it, with the CLI's message, appending nothing.
    const headBefore = events(db, 'c1').length;
    const again = await call(base, 'POST', '/api/runs/c1/pause', {
      headers: auth,
      body: { reason: 'again' },
    });
    expect(again.status).toBe(409);
    const cliAgain = cli(db, ['pause', 'c1', '--reason', 'again']);
    expect(cliAgain.code).toBe(2);
    expect(JSON.parse(again.body).error).toBe(cliAgain.stderr.trim().replace(/^phased: /, ''));
    expect(
      (await call(base, 'POST', '/api/runs/c1/approve', { headers: auth, body: { gate: 'p1', reason: 'r' } }))
        .status,
    ).toBe(409);
    expect(events(db, 'c1').length).toBe(headBefore);

    // Every route against status --json of the same run.
    const status = JSON.parse(cli(db, ['status', 'c1', '--json']).stdout) as {
      status: string;
      state: unknown;
      steps: StepJson[];
      events: number;
    };
    const detail = await get<{
      status: string;
      state: unknown;
      headSeq: number;
      events: number;
      steps: StepJson[];
      activeStates: string[];
      units: { done: number; total: number; failed: number };
      humanActions: { type: string; by: string; reason?: string }[];
    }>(base, '/api/runs/c1');
    expect(detail.status).toBe(status.status);
    expect(detail.state).toEqual(status.state);
    expect(detail.events).toBe(status.events);
    expect(detail.headSeq).toBe(status.events);
    expect(
      detail.steps.map(({ id, total, done, failed, pending }) => ({ id, total, done, failed, pending })),
    ).toEqual(
      status.steps.map(({ id, total, done, failed, pending }) => ({ id, total, done, failed, pending })),
    );
    expect(detail.humanActions).toContainEqual(
      expect.objectContaining({ type: 'PAUSE_REQUESTED', by: 'http', reason: 'looking at it' }),
    );
    const list = await get<{ runId: string; status: string; headSeq: number; units: { done: number } }[]>(
      base,
      '/api/runs',
    );
    expect(list.map((r) => [r.runId, r.status, r.headSeq])).toEqual([['c1', 'paused', status.events]]);
    expect(await get<unknown[]>(base, '/api/runs?status=running')).toEqual([]);
    const rows = events(db, 'c1');
    const succeeded = new Set(
      rows.filter((e) => e.type === 'UNIT_SUCCEEDED').map((e) => `${e.data.step}/${e.data.partition}`),
    );
    expect(list[0].units.done).toBe(succeeded.size);
    const units = await get<{ total: number; units: { status: string }[] }>(
      base,
      '/api/runs/c1/units?limit=10000',
    );
    expect(units.total).toBe(status.steps.reduce((n, s) => n + s.total, 0));
    expect(units.units.filter((u) => u.status === 'succeeded').length).toBe(succeeded.size);
    const cov = await get<{
      dates: string[];
      datesComplete: boolean;
      rows: { step: string; cells: string }[];
    }>(base, '/api/runs/c1/coverage');
    expect(cov.dates).toEqual(p.dates);
    expect(cov.datesComplete).toBe(true);
    for (const s of status.steps) {
      const row = cov.rows.find((r) => r.step === s.id);
      expect(row?.cells.length).toBe(p.dates.length);
      expect([...(row?.cells ?? '')].filter((c) => c === 'D' || c === 'B').length, s.id).toBe(s.done);
    }
    const machine = await get<{
      nodes: { id: string; parent: string | null }[];
      edges: { source: string; target: string }[];
    }>(base, '/api/runs/c1/machine');
    const ids = new Set(machine.nodes.map((n) => n.id));
    for (const id of detail.activeStates) expect(ids.has(id), id).toBe(true);
    for (const s of status.steps)
      expect(
        ids.has(`run.active.phase:${s.id < 'd' ? 'p1' : 'p2'}.group:${s.id === 'e' ? 1 : 0}.step:${s.id}`),
        s.id,
      ).toBe(true);
    for (const e of machine.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    const page = await get<{ events: { seq: number; type: string }[] }>(
      base,
      '/api/runs/c1/events?from=1&type=UNIT_SUCCEEDED&step=c',
    );
    expect(page.events.map((e) => e.seq)).toEqual(
      rows.filter((e) => e.type === 'UNIT_SUCCEEDED' && e.data.step === 'c').map((e) => e.seq),
    );
    const verify = await get<{ ok: boolean; count: number }>(base, '/api/runs/c1/verify');
    expect(verify).toMatchObject({ ok: true, count: status.events });
    // Time travel matches replay --at.
    const mid = Math.floor(status.events / 2);
    const replay = JSON.parse(cli(db, ['replay', 'c1', '--at', String(mid), '--json']).stdout) as {
      state: unknown;
      steps: StepJson[];
      status: string;
    };
    const at = await get<{ state: unknown; steps: StepJson[]; status: string; seq: number }>(
      base,
      `/api/runs/c1/at/${mid}`,
    );
    expect(at.seq).toBe(mid);
    expect(at.state).toEqual(replay.state);
    expect(at.status).toBe(replay.status);
    expect(at.steps).toEqual(replay.steps);
    expect((await call(base, 'GET', `/api/runs/c1/at/${status.events + 5}`)).status).toBe(400);
    expect((await call(base, 'GET', '/api/runs/nope')).status).toBe(404);

    // SSE from a Last-Event-ID: every later event, in order; then resume from the console and let a driver finish.
    const from = Math.max(1, status.events - 5);
    const stream = collectStream(base, '/api/runs/c1/stream', { 'last-event-id': String(from) }, (types) =>
      types.includes('RUN_SUCCEEDED'),
    );
    const resumed = await call(base, 'POST', '/api/runs/c1/resume', {
      headers: auth,
      body: { reason: 'carry on' },
    });
    expect(resumed.status, resumed.body).toBe(200);
    expect(JSON.parse(resumed.body).appended).toEqual(['RESUMED']);
    expect(runStatusOf(db, 'c1')).toBe('running');
    const finisher = start(db, ['resume', 'c1']);
    expect(await finisher.exit).toBe(0);
    const got = await stream;
    const all = events(db, 'c1');
    const end = all.find((e) => e.type === 'RUN_SUCCEEDED')?.seq ?? 0;
    expect(got.seqs).toEqual(all.filter((e) => e.seq > from && e.seq <= end).map((e) => e.seq));
    expect(all.find((e) => e.type === 'RESUMED' && e.data.by === 'http')).toBeDefined();
    expect(got.heads.at(-1)?.headSeq).toBeGreaterThan(from);

    ui.proc.kill('SIGTERM');
    expect(await ui.exit).toBe(0);
  }, 240_000);

  it('lists a failed unit with its error, draws it failed, and retries it from the console', async () => {
    const dir = tmp('phased-console-');
    const db = join(dir, 'phased.db');
    const p = slowProject(join(dir, 'p'), { dates: 4, flaky: ['2024-01-02'], retries: 0 });
    expect(cli(db, ['run', p.plan, '--run-id', 'f1']).code).toBe(1);
    const ui = start(db, ['ui', '--http', '127.0.0.1:0']);
    const base = await waitFor(() => /http (http:\/\/\S+)/.exec(ui.err())?.[1], 'ui address');
    const { readFileSync } = await import('node:fs');
    const token = readFileSync(join(dir, 'console-token'), 'utf8').trim();
    const failed = events(db, 'f1').find((e) => e.type === 'UNIT_FAILED');
    expect(failed?.data).toMatchObject({ step: 'c', partition: '2024-01-02', final: true });
    const err = failed?.data.error as { code: string; message: string };

    const detail = await get<{
      status: string;
      failures: {
        code: string;
        count: number;
        units: { step: string; partition: string; message: string; status: string }[];
      }[];
      gates: { id: string; status: string; history: { type: string }[] }[];
    }>(base, '/api/runs/f1');
    expect(detail.status).toBe('blocked');
    expect(detail.failures).toEqual([
      expect.objectContaining({
        code: err.code,
        count: 1,
        units: [
          expect.objectContaining({
            step: 'c',
            partition: '2024-01-02',
            message: err.message,
            status: 'failed',
          }),
        ],
      }),
    ]);
    expect(detail.gates.find((g) => g.id === 'p1')).toMatchObject({
      status: 'failed',
      history: [{ type: 'GATE_FAILED' }],
    });
    const cov = await get<{ dates: string[]; rows: { step: string; cells: string }[] }>(
      base,
      '/api/runs/f1/coverage',
    );
    const row = cov.rows.find((r) => r.step === 'c');
    expect(row?.cells[cov.dates.indexOf('2024-01-02')]).toBe('F');
    expect([...(row?.cells ?? '')].filter((c) => c === 'D').length).toBe(3);
    const unit = await get<{ units: { error: { code: string } | null; status: string }[] }>(
      base,
      '/api/runs/f1/units?step=c&partition=2024-01-02',
    );
    expect(unit.units).toEqual([
      expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: err.code }) }),
    ]);

    const auth = { authorization: `Bearer ${token}` };
    const retry = await call(base, 'POST', '/api/runs/f1/retry', {
      headers: auth,
      body: { step: 'c', partitions: ['2024-01-02'], reason: 'fixed the script' },
    });
    expect(retry.status, retry.body).toBe(200);
    const r = JSON.parse(retry.body) as { appended: string[]; seqs: number[] };
    expect(r.appended).toEqual(['RETRY_REQUESTED']);
    expect(events(db, 'f1').find((e) => e.seq === r.seqs[0])).toMatchObject({
      type: 'RETRY_REQUESTED',
      data: { by: 'http', reason: 'fixed the script', step: 'c', partitions: ['2024-01-02'] },
    });
    const after = await get<{ failures: unknown[] }>(base, '/api/runs/f1');
    expect(after.failures).toEqual([expect.objectContaining({ code: err.code, retrying: 1, failed: 0 })]);
    const n = events(db, 'f1').length;
    const again = await call(base, 'POST', '/api/runs/f1/retry', { headers: auth, body: { step: 'c' } });
    expect(again.status).toBe(409);
    const cliAgain = cli(db, ['retry', 'f1', '--step', 'c']);
    expect(cliAgain.code).toBe(2);
    expect(JSON.parse(again.body).error).toBe(cliAgain.stderr.trim().replace(/^phased: /, ''));
    const bad = await call(base, 'POST', '/api/runs/f1/retry', { headers: auth, body: { step: 'zz' } });
    expect(bad.status).toBe(400);
    expect(events(db, 'f1').length).toBe(n);
    ui.proc.kill('SIGTERM');
    expect(await ui.exit).toBe(0);
  }, 240_000);
});
