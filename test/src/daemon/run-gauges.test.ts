// /metrics gauges of a driven run, from a real run machine fed the events a driver logs and a real prom-client
// registry: phased_step_concurrency follows CONCURRENCY_CHANGED, phased_run_eta_seconds the completions' pace.
import { Registry } from 'prom-client';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../machines/index.js';
import { type GaugeEvent, RunGauges } from '../../../src/daemon/run-gauges.js';
import { plan, started } from '../../machines/helpers.js';

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
});
