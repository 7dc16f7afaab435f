// The console's runs, held in memory and advanced by each run's new events only: a LiveRun per run, created on
// first use (the plan is parsed once) and dropped when the run leaves the database. Listing reads run summaries
// (no plan_json) and the head seq of each run, so a scrape or a tick costs one small row per run.

import type { EventStore, RunSummaryRow } from '../../store/index.js';
import { ownerOf } from '../observe/owner.js';
import { LiveRun } from './live-run.js';

export { ownerOf };

export class RunCache {
  /** Each run's LiveRun as it loads and once loaded: concurrent first requests share one load. */
  private readonly runs = new Map<string, Promise<LiveRun>>();

  constructor(readonly store: EventStore) {}

  /** The run, advanced to `head` (else its head now); undefined when the database has no such run. */
  async get(runId: string, head?: number): Promise<LiveRun | undefined> {
    const held = this.runs.get(runId);
    if (held) {
      const live = await held;
      await live.advance(head);
      return live;
    }
    const plan = await this.store.views.planJson(runId);
    if (plan === undefined) return undefined;
    // Another request may have started the same load while this one read the plan.
    const again = this.runs.get(runId);
    if (again) return this.get(runId, head);
    const loading = LiveRun.load(this.store, runId, plan);
    this.runs.set(runId, loading);
    try {
      return await loading;
    } catch (err) {
      if (this.runs.get(runId) === loading) this.runs.delete(runId);
      throw err;
    }
  }

  /** Like get(), but RUN_NOT_FOUND (naming the runs there are) when absent. */
  async require(runId: string): Promise<LiveRun> {
    const live = await this.get(runId);
    if (!live)
      throw (await this.store.views.runSummary(runId))
        ? new Error(`run ${runId} vanished`)
        : await this.notFound(runId);
    return live;
  }

  async notFound(runId: string): Promise<Error> {
    try {
      await this.store.requireRun(runId);
    } catch (err) {
      return err as Error;
    }
    return new Error(`run ${runId} not found`);
  }

  /** Every run with its summary row and live view, newest first. */
  async list(): Promise<{ row: RunSummaryRow; live: LiveRun; owner: string | null }[]> {
    const rows = await this.store.views.runSummaries();
    const seen = new Set<string>();
    const out: { row: RunSummaryRow; live: LiveRun; owner: string | null }[] = [];
    for (const row of rows) {
      seen.add(row.runId);
      const live = await this.get(row.runId, row.headSeq);
      if (!live) continue;
      out.push({ row, live, owner: ownerOf(row) });
    }
    for (const [id, loading] of this.runs) {
      if (!seen.has(id)) {
        this.runs.delete(id);
        void loading.then(
          (live) => live.stop(),
          () => undefined,
        );
      }
    }
    return out;
  }

  close(): void {
    for (const loading of this.runs.values())
      void loading.then(
        (live) => live.stop(),
        () => undefined,
      );
    this.runs.clear();
  }
}
