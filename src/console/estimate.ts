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
    const held = this.held.get(live.runId);
    if (held && !refresh) return held;
    const next = estimateOf(live, this.deadlineMs);
    this.held.set(live.runId, next);
    // No baseline yet, or it threw: nothing to keep, the next request asks again (the caller gets the error).
    const forget = () => {
      if (this.held.get(live.runId) === next) this.held.delete(live.runId);
    };
    next.then((r) => (r.estimate === null && (!live.baseline || r.timedOut) ? forget() : undefined), forget);
    return next;
  }

  clear(): void {
    this.held.clear();
  }
}

async function estimateOf(live: LiveRun, deadlineMs: number): Promise<Computed> {
  const plan = live.plan;
  const bq = plan.warehouse.kind === 'bigquery';
  const out = (estimate: EstimateResponse['estimate'], error: string | null): Computed => ({
    runId: live.runId,
    warehouse: plan.warehouse.kind,
    kind: bq ? 'bytes' : 'measured',
    estimate,
    error,
    at: new Date().toISOString(),
  });
  const baseline = live.baseline;
  if (!baseline) {
    return out(null, 'no baseline recorded yet: the estimate covers the units the baseline lists to run');
  }
  const dates = baseline.dates ? [...expandPartitions(baseline.dates)] : [];
  const steps = [...baseline.steps.values()].map((b) => {
    const toRun = [...expandPartitions(b.toRun)];
    const run = new Set(toRun);
    return { step: b.step, toRun, present: dates.filter((d) => !run.has(d)) };
  });
  const computing = (async () => {
    let wh: Awaited<ReturnType<typeof openWarehouse>> | undefined;
    try {
      wh = await openWarehouse(plan.warehouse, { poolSize: 1 });
      return out(await estimateRun(plan, wh, steps), null);
    } catch (err) {
      return out(null, `the warehouse could not be read from this server: ${errorInfo(err).message}`);
    } finally {
      await wh?.close().catch(() => undefined);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Computed>((resolve) => {
    timer = setTimeout(() => {
      const secs = Math.round(deadlineMs / 100) / 10;
      const error = `the ${plan.warehouse.kind} warehouse did not answer this server within ${secs} s: check its credentials and network, then ask again; what the log records as units start is listed meanwhile`;
      resolve({ ...out(null, error), timedOut: true });
    }, deadlineMs);
  });
  try {
    return await Promise.race([computing, late]);
  } finally {
    clearTimeout(timer);
  }
}
