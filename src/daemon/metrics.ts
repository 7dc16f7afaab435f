// Prometheus metrics of a daemon: counters fed from each driver's durable event stream, gauges read at scrape.
// Owns the registry only; the HTTP endpoint serves it.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import type { ResolvedPlan } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { type GaugeEvent, RunGauges } from './run-gauges.js';

export class Metrics {
  readonly registry = new Registry();
  private readonly units: Counter<'step' | 'outcome'>;
  private readonly duration: Histogram<'step'>;
  private readonly events: Counter<'type'>;
  private readonly gates: Counter<'gate' | 'result'>;
  private readonly renewals: Counter<'result'>;
  private readonly runGauges: RunGauges;

  constructor(store: EventStore, driving: () => number) {
    const registers = [this.registry];
    this.runGauges = new RunGauges(this.registry, store);
    this.units = new Counter({
      name: 'phased_units_total',
      help: 'Unit outcomes logged by runs this daemon drives (succeeded, failed = final, retried = will retry)',
      labelNames: ['step', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'phased_unit_duration_seconds',
      help: 'Duration of succeeded units',
      labelNames: ['step'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
      registers,
    });
    this.events = new Counter({
      name: 'phased_events_appended_total',
      help: 'Events the driven runs gained, by type',
      labelNames: ['type'],
      registers,
    });
    this.gates = new Counter({
      name: 'phased_gate_results_total',
      help: 'Gate decisions: passed, failed (blocked) or overridden',
      labelNames: ['gate', 'result'],
      registers,
    });
    this.renewals = new Counter({
      name: 'phased_lease_renewals_total',
      help: 'Lease renewals by this daemon (ok or lost)',
      labelNames: ['result'],
      registers,
    });
    new Gauge({
      name: 'phased_runs',
      help: 'Runs in the database by status',
      labelNames: ['status'],
      registers,
      async collect() {
        const rows = await store.views.runSummaries();
        this.reset();
        for (const r of rows) this.inc({ status: r.status });
      },
    });
    new Gauge({
      name: 'phased_runs_driven',
      help: 'Runs this daemon is driving now',
      registers,
      collect() {
        this.set(driving());
      },
    });
  }

  /** Count one driver's events (subscribe before `run()` so attach events are counted too). */
  observe(events$: Observable<GaugeEvent>, plan?: () => ResolvedPlan | undefined): void {
    if (plan) this.runGauges.observe(events$, plan);
    events$.subscribe(({ event }) => {
      this.events.inc({ type: event.type });
      switch (event.type) {
        case 'UNIT_SUCCEEDED':
          this.units.inc({ step: event.step, outcome: 'succeeded' });
          this.duration.observe({ step: event.step }, event.ms / 1000);
          break;
        case 'UNIT_FAILED':
          this.units.inc({ step: event.step, outcome: event.final ? 'failed' : 'retried' });
          break;
        case 'GATE_PASSED':
        case 'GATE_FAILED':
        case 'GATE_OVERRIDDEN':
          this.gates.inc({
            gate: event.gate,
            result:
              event.type === 'GATE_PASSED'
                ? 'passed'
                : event.type === 'GATE_FAILED'
                  ? 'failed'
                  : 'overridden',
          });
          break;
      }
    });
  }

  leaseRenewed(ok: boolean): void {
    this.renewals.inc({ result: ok ? 'ok' : 'lost' });
  }
}
