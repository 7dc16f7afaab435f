// The run page's cost estimate (GET /api/runs/:id/estimate): the units the run's logged baseline lists, estimated
// by the code `phased run --dry-run` uses (cost/estimate.ts) against the plan's warehouse as this server reaches
// it. Computed once per run and held (dry runs cost requests; `?refresh=1` computes again); beside it, the
// per-unit estimates the log records as units start (read each time). Reads only. A warehouse that does not
// answer within a deadline (no credentials, no network) gives an error, not a request left waiting.

import { errorInfo, expandPartitions } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { estimateRun } from '../cost/estimate.js';
import { openWarehouse } from '../warehouse/index.js';
import type { EstimateResponse } from './api-cost-types.js';
import type { LiveRun } from './live-run.js';

type Computed = Omit<EstimateResponse, 'recorded'> & { timedOut?: true };

/** Per step, the units started with an estimate and the sum of each one's latest (as the log records them). */
export async function recordedEstimates(
  store: EventStore,
  runId: string,
  toSeq: number,
): Promise<EstimateResponse['recorded']> {
  const latest = new Map<string, { step: string; bytes: number }>();
  for (const e of await store.views.eventsOfTypes(runId, ['UNIT_STARTED'], 0, toSeq)) {
    const d = JSON.parse(e.data) as { step: string; partition: string; estimatedBytes?: number };
    if (d.estimatedBytes !== undefined) {
      latest.set(`${d.step}\u0000${d.partition}`, { step: d.step, bytes: d.estimatedBytes });
    }
  }
  const steps = new Map<string, { step: string; units: number; estimatedBytes: number }>();
  for (const u of latest.values()) {
    const s = steps.get(u.step) ?? { step: u.step, units: 0, estimatedBytes: 0 };
    s.units++;
    s.estimatedBytes += u.bytes;
    steps.set(u.step, s);
  }
  return [...steps.values()];
}

/** How long the estimate waits for the warehouse (credential look-up included) before it answers with an error. */
export const ESTIMATE_DEADLINE_MS = 30_000;

export class RunEstimates {
  private readonly held = new Map<string, Promise<Computed>>();
  /** Computations still waiting on the warehouse, past a deadline or not: one per run at a time. */
  private readonly asking = new Map<string, Promise<Computed>>();

  constructor(
    private readonly store: EventStore,
    private readonly deadlineMs = ESTIMATE_DEADLINE_MS,
  ) {}

  /** The run's estimate (held unless `refresh`) and the estimates its log records up to its seq. */
  async get(live: LiveRun, refresh = false): Promise<EstimateResponse> {
    const [{ timedOut: _, ...computed }, recorded] = await Promise.all([
      this.computed(live, refresh),
      recordedEstimates(this.store, live.runId, live.seq),
    ]);
    return { ...computed, recorded };
  }

  private computed(live: LiveRun, refresh: boolean): Promise<Computed> {
    const id = live.runId;
    const held = this.held.get(id);
    if (held && !refresh) return held;
    // A warehouse that has not answered an earlier request is waited on again, not asked a second time: requests
    // to a hung warehouse do not pile up clients and sockets.
    let asking = this.asking.get(id);
    if (!asking) {
      const started = estimateOf(live);
      const done = () => {
        if (this.asking.get(id) === started) this.asking.delete(id);
      };
      started.then(done, done);
      this.asking.set(id, started);
      asking = started;
    }
    const next = withDeadline(live, asking, this.deadlineMs);
    this.held.set(id, next);
    // No baseline yet, past the deadline, or it threw: nothing to keep, the next request asks again.
    const forget = () => {
      if (this.held.get(id) === next) this.held.delete(id);
    };
    next.then((r) => (r.estimate === null && (!live.baseline || r.timedOut) ? forget() : undefined), forget);
    return next;
  }

  clear(): void {
    this.held.clear();
  }
}

/** The body's fields for `live`'s run, with `estimate` or the `error` that says why there is none. */
function response(live: LiveRun, estimate: EstimateResponse['estimate'], error: string | null): Computed {
  const kind = live.plan.warehouse.kind;
  return {
    runId: live.runId,
    warehouse: kind,
    kind: kind === 'bigquery' ? 'bytes' : 'measured',
    estimate,
    error,
    at: new Date().toISOString(),
  };
}

/** `computing`, or after `deadlineMs` an error saying the warehouse did not answer (the computation goes on). */
async function withDeadline(
  live: LiveRun,
  computing: Promise<Computed>,
  deadlineMs: number,
): Promise<Computed> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Computed>((resolve) => {
    timer = setTimeout(() => {
      const secs = Math.round(deadlineMs / 100) / 10;
      const error = `the ${live.plan.warehouse.kind} warehouse did not answer this server within ${secs} s: check its credentials and network, then ask again; what the log records as units start is listed meanwhile`;
      resolve({ ...response(live, null, error), timedOut: true });
    }, deadlineMs);
  });
  try {
    return await Promise.race([computing, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function estimateOf(live: LiveRun): Promise<Computed> {
  const plan = live.plan;
  const baseline = live.baseline;
  if (!baseline) {
    return response(
      live,
      null,
      'no baseline recorded yet: the estimate covers the units the baseline lists to run',
    );
  }
  const dates = baseline.dates ? [...expandPartitions(baseline.dates)] : [];
  const steps = [...baseline.steps.values()].map((b) => {
    const toRun = [...expandPartitions(b.toRun)];
    const run = new Set(toRun);
    return { step: b.step, toRun, present: dates.filter((d) => !run.has(d)) };
  });
  let wh: Awaited<ReturnType<typeof openWarehouse>> | undefined;
  try {
    wh = await openWarehouse(plan.warehouse, { poolSize: 1 });
    return response(live, await estimateRun(plan, wh, steps), null);
  } catch (err) {
    return response(
      live,
      null,
      `the warehouse could not be read from this server: ${errorInfo(err).message}`,
    );
  } finally {
    await wh?.close().catch(() => undefined);
  }
}
