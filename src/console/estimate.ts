// The run page's cost estimate (GET /api/runs/:id/estimate): the units the run's logged baseline lists, estimated
// by the code `phased run --dry-run` uses (cost/estimate.ts) against the plan's warehouse as this server reaches
// it. Computed once per run and held (dry runs cost requests; `?refresh=1` computes again). Reads only.

import { errorInfo, expandPartitions } from '../../machines/index.js';
import { estimateRun } from '../cost/estimate.js';
import { openWarehouse } from '../warehouse/index.js';
import type { EstimateResponse } from './api-cost-types.js';
import type { LiveRun } from './live-run.js';

export class RunEstimates {
  private readonly held = new Map<string, Promise<EstimateResponse>>();

  /** The run's estimate: held when computed before (unless `refresh`), else computed now. */
  get(live: LiveRun, refresh = false): Promise<EstimateResponse> {
    const held = this.held.get(live.runId);
    if (held && !refresh) return held;
    const next = estimateOf(live);
    this.held.set(live.runId, next);
    // No baseline yet, or it threw: nothing to keep, the next request asks again (the caller gets the error).
    const forget = () => {
      if (this.held.get(live.runId) === next) this.held.delete(live.runId);
    };
    next.then((r) => (r.estimate === null && !live.baseline ? forget() : undefined), forget);
    return next;
  }

  clear(): void {
    this.held.clear();
  }
}

async function estimateOf(live: LiveRun): Promise<EstimateResponse> {
  const plan = live.plan;
  const bq = plan.warehouse.kind === 'bigquery';
  const out = (estimate: EstimateResponse['estimate'], error: string | null): EstimateResponse => ({
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
  let wh: Awaited<ReturnType<typeof openWarehouse>> | undefined;
  try {
    wh = await openWarehouse(plan.warehouse, { poolSize: 1 });
    return out(await estimateRun(plan, wh, steps), null);
  } catch (err) {
    return out(null, `the warehouse could not be read from this server: ${errorInfo(err).message}`);
  } finally {
    await wh?.close().catch(() => undefined);
  }
}
