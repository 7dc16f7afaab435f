// Gauges of the runs a process drives: each step's current concurrency limit (adaptive, machines/aimd.ts) and
// each run's ETA (the one ETA of observe/eta.ts, the one status shows). Fed from a driver's durable events with
// the machine's snapshot.

import { Gauge, type Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import {
  allSteps,
  type ResolvedPlan,
  type RunEvent,
  type RunSnapshot,
  stepLimit,
} from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { liveEta } from '../observe/eta.js';

export interface GaugeEvent {
  event: RunEvent;
  snap: RunSnapshot;
  stored: { runId: string; seq: number; at: string };
}

export class RunGauges {
  private readonly concurrency: Gauge<'run' | 'step'>;
  private readonly eta: Gauge<'run'>;

  /** `store`: the ETA of a resumed run starts from the completions it logged before (as status reads them). */
  constructor(
    registry: Registry,
    private readonly store?: EventStore,
  ) {
    this.concurrency = new Gauge({
      name: 'phased_step_concurrency',
      help: 'Units of a step allowed in flight now (halved on quota or rate-limit errors, regrown after successes)',
      labelNames: ['run', 'step'],
      registers: [registry],
    });
    this.eta = new Gauge({
      name: 'phased_run_eta_seconds',
      help: 'Seconds until the run finishes its remaining units at the recent rate (EWMA)',
      labelNames: ['run'],
      registers: [registry],
    });
  }

  observe(events$: Observable<GaugeEvent>, plan: () => ResolvedPlan | undefined): void {
    const tracker = liveEta(events$, this.store);
    events$.subscribe(({ event, snap, stored }) => {
      const run = stored.runId;
      const p = plan();
      if (p && (event.type === 'DRIVER_ATTACHED' || event.type === 'CONCURRENCY_CHANGED')) {
        for (const s of allSteps(p)) {
          this.concurrency.set({ run, step: s.id }, stepLimit(snap.context.ops, s.id, s.concurrency));
        }
      }
      const eta = tracker.view(snap).run;
      if (eta !== undefined) this.eta.set({ run }, eta);
    });
  }
}
