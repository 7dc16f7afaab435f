// /metrics gauges of a driven run, from a real run machine fed the events a driver logs and a real prom-client
// registry: phased_step_concurrency follows CONCURRENCY_CHANGED, phased_run_eta_seconds the completions' pace.
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../machines/index.js';
import { type GaugeEvent, RunGauges } from '../../../src/daemon/run-gauges.js';
import { runView } from '../../../src/observe/index.js';
import { plan, started } from '../../machines/helpers.js';
import * as etaLog from '../../support/eta-log.js';

afterEach(etaLog.closeLogs);

const etaMetric = (text: string) => Number(/phased_run_eta_seconds\{run="[^"]+"\} ([\d.]+)/.exec(text)?.[1]);

describe('run gauges', () => {
  it('shows each step limit and the run ETA', async () => {
    const registry = new Registry();
    const gauges = new RunGauges(registry);
    const events$ = new Subject<GaugeEvent>();
    gauges.observe(events$, () => plan);
    const cursor = started(['1', '2', '3', '4', '5', '6']);
    let t = Date.parse('2024-01-01T00:00:00Z');
    let seq = 0;
    const send = (event: RunEvent) => {
      const snap = cursor.apply(event);
      events$.next({ event, snap, stored: { runId: 'r1', seq: ++seq, at: new Date(t).toISOString() } });
    };
    send({ type: 'DRIVER_ATTACHED', pid: 1, host: 'h', version: 'v', reason: 'new' });
    send({
      type: 'CONCURRENCY_CHANGED',
      step: 'a',
      from: plan.phases[0].groups[0].steps[0].concurrency,
      to: 1,
      cause: 'rateLimitExceeded',
    });
    for (const partition of ['1', '2', '3', '4']) {
      t += 2000;
      send({ type: 'UNIT_SUCCEEDED', step: 'a', partition, attempt: 1, rows: 1, ms: 1 });
    }
    const text = await registry.metrics();
    expect(text).toContain('phased_step_concurrency{run="r1",step="a"} 1');
    expect(text).toMatch(/phased_step_concurrency\{run="r1",step="b"\} \d+/);
    // Completions 2 s apart; 2 of a's and 6 of each other step's 6 units remain (3 steps × 6 + 2 = 20).
    const eta = Number(/phased_run_eta_seconds\{run="r1"\} ([\d.]+)/.exec(text)?.[1]);
    expect(eta).toBeCloseTo(20 * 2, 5);
  });

  it('after a resume, starts the run ETA from the completions the log held before, as status does', async () => {
    const log = await etaLog.steadyLog();
    // 8 completions 4 s apart by a first process; a new one resumes a minute later and finishes 4 more.
    for (let i = 0; i < 8; i++) await etaLog.finish(log, i, etaLog.T0 + 16_000 + 4000 * i);
    const registry = new Registry();
    new RunGauges(registry, log.store).observe(log.events$, () => etaLog.plan);
    const resumed = etaLog.T0 + 16_000 + 4000 * 7 + 60_000;
    for (let i = 8; i < 12; i++) await etaLog.finish(log, i, resumed + 2000 * (i - 8));
    await log.append(resumed + 7000, [etaLog.started(...(etaLog.UNITS[16] as [string, string]))]);
    const status = await runView(log.store, log.runId);
    // The new process's gaps alone (2 s) would say 36 × 2 = 72 s.
    expect(status.eta.run).toBeGreaterThan(300);
    expect(etaMetric(await registry.metrics())).toBeCloseTo(status.eta.run as number, 6);
  });
});
