// The daemon: drives two runs, is killed with SIGKILL, a second daemon takes both over and picks up a run
// created later with --detach; every unit succeeds exactly once; /metrics and /api agree with the log.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cli,
  events,
  type Row,
  runStatusOf,
  slowProject,
  start,
  successes,
  tmp,
  waitFor,
} from '../support/ops.js';

const PROM_LINE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/;

function counters(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}\\{step="([^"]+)",outcome="succeeded"\\} (\\d+)$`).exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

describe('phased daemon', () => {
  it('survives kill -9: a new daemon finishes every run exactly once, including one created later', async () => {
    const dir = tmp();
    const db = join(dir, 'phased.db');
    const projects = ['1', '2', '3'].map((n) =>
      slowProject(join(dir, n), { dates: 8, sleepMs: 120, concurrency: 1 }),
    );
    for (const n of [1, 2])
      expect(cli(db, ['run', projects[n - 1].plan, '--run-id', `r${n}`, '--detach']).code).toBe(0);

    const d1 = start(db, ['daemon']);
    await waitFor(
      () =>
        ['r1', 'r2'].every((r) =>
          events(db, r).some((e) => e.type === 'UNIT_SUCCEEDED' && e.data.step === 'c'),
        ),
      'both runs under way',
    );
    d1.proc.kill('SIGKILL');
    await d1.exit;
    expect(['r1', 'r2'].map((r) => runStatusOf(db, r))).toEqual(['running', 'running']);

    const d2 = start(db, ['daemon', '--http', '127.0.0.1:0']);
    const url = await waitFor(() => /http (http:\/\/\S+)/.exec(d2.err())?.[1], 'the http address');
    expect(cli(db, ['run', projects[2].plan, '--run-id', 'r3', '--detach']).code).toBe(0);
    await waitFor(
      () => ['r1', 'r2', 'r3'].every((r) => runStatusOf(db, r) === 'succeeded'),
      'all runs succeeded',
      90_000,
    );

    const logs: Record<string, Row[]> = {};
    for (const r of ['r1', 'r2', 'r3']) {
      logs[r] = events(db, r);
      const ok = successes(logs[r]);
      expect(ok.size, r).toBe(8 * 5);
      expect(
        [...ok.values()].every((n) => n === 1),
        r,
      ).toBe(true);
    }

    // Why each driver attached: the first daemon picked r1 and r2 up, the second took them over from it (which
    // never detached) and picked r3 up.
    const attachedBy = (rows: Row[]) =>
      rows.filter((e) => e.type === 'DRIVER_ATTACHED').map((e) => [e.data.reason, e.data.from ?? null]);
    const d1Owner = expect.stringMatching(new RegExp(`^${d1.proc.pid}@`));
    for (const r of ['r1', 'r2']) {
      expect(attachedBy(logs[r]), r).toEqual([
        ['daemon', null],
        ['takeover', d1Owner],
      ]);
    }
    expect(attachedBy(logs.r3)).toEqual([['daemon', null]]);

    // Metrics count what this daemon drove: every UNIT_SUCCEEDED after its own DRIVER_ATTACHED.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    for (const line of metrics.split('\n'))
      if (line && !line.startsWith('#')) expect(line).toMatch(PROM_LINE);
    const expected = new Map<string, number>();
    for (const rows of Object.values(logs)) {
      const attached = rows.find((e) => e.type === 'DRIVER_ATTACHED' && e.data.pid === d2.proc.pid);
      expect(attached).toBeDefined();
      for (const e of rows) {
        if (e.seq > (attached?.seq ?? 0) && e.type === 'UNIT_SUCCEEDED') {
          const s = String(e.data.step);
          expected.set(s, (expected.get(s) ?? 0) + 1);
        }
      }
    }
    expect(counters(metrics, 'phased_units_total')).toEqual(expected);
    expect(metrics).toMatch(/^phased_runs\{status="succeeded"\} 3$/m);
    expect(metrics).toMatch(/^phased_gate_results_total\{gate="p1",result="passed"\} \d+$/m);
    // r3 alone runs eight command units one after another (a node process each, plus a sleep), longer than the
    // 1 s renewal interval a 3 s lease gives: the driver reported its renewals to the daemon's metrics.
    expect(Number(/^phased_lease_renewals_total\{result="ok"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(
      0,
    );

    const runs = (await (await fetch(`${url}/api/runs`)).json()) as { runId: string; status: string }[];
    expect(runs.map((r) => [r.runId, r.status]).sort()).toEqual([
      ['r1', 'succeeded'],
      ['r2', 'succeeded'],
      ['r3', 'succeeded'],
    ]);
    const one = (await (await fetch(`${url}/api/runs/r3`)).json()) as { events: number; steps: unknown[] };
    expect(one.events).toBe(logs.r3.length);
    expect((await fetch(`${url}/api/runs/nope`)).status).toBe(404);
    expect(await (await fetch(`${url}/`)).text()).toContain('<title>phased</title>');

    d2.proc.kill('SIGTERM');
    expect(await d2.exit).toBe(143);
  }, 180_000);

  it('refuses a public --http address without --http-public', () => {
    const dir = tmp();
    const r = cli(join(dir, 'phased.db'), ['daemon', '--http', '0.0.0.0:7420']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--http-public');
  }, 180_000);
});
