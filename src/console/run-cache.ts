// The console's runs, held in memory and advanced by each run's new events only: a LiveRun per run, created on
// first use (the plan is parsed once) and dropped when the run leaves the database. Listing reads run summaries
// (no plan_json) and the head seq of each run, so a scrape or a tick costs one small row per run.

import type { RunSummaryRow, SqliteStore } from '../../store/index.js';
import { ownerIsDead } from '../engine/index.js';
import { LiveRun } from './live-run.js';

export class RunCache {
  private readonly runs = new Map<string, LiveRun>();

  constructor(readonly store: SqliteStore) {}

  /** The run, advanced to its head; undefined when the database has no such run. */
  get(runId: string, head?: number): LiveRun | undefined {
    let live = this.runs.get(runId);
    if (!live) {
      const plan = this.store.views.planJson(runId);
      if (plan === undefined) return undefined;
      live = new LiveRun(this.store, runId, plan);
      this.runs.set(runId, live);
      return live;
    }
    live.advance(head);
    return live;
  }

  /** Like get(), but RUN_NOT_FOUND (naming the runs there are) when absent. */
  require(runId: string): LiveRun {
    const live = this.get(runId);
    if (!live)
      throw this.store.views.runSummary(runId) ? new Error(`run ${runId} vanished`) : this.notFound(runId);
    return live;
  }

  notFound(runId: string): Error {
    try {
      this.store.requireRun(runId);
    } catch (err) {
      return err as Error;
    }
    return new Error(`run ${runId} not found`);
  }

  /** Every run with its summary row and live view, newest first. */
  list(): { row: RunSummaryRow; live: LiveRun; owner: string | null }[] {
    const rows = this.store.views.runSummaries();
    const seen = new Set<string>();
    const out: { row: RunSummaryRow; live: LiveRun; owner: string | null }[] = [];
    for (const row of rows) {
      seen.add(row.runId);
      const live = this.get(row.runId, row.headSeq);
      if (!live) continue;
      out.push({ row, live, owner: ownerOf(row) });
    }
    for (const [id, live] of this.runs) {
      if (!seen.has(id)) {
        live.stop();
        this.runs.delete(id);
      }
    }
    return out;
  }

  close(): void {
    for (const live of this.runs.values()) live.stop();
    this.runs.clear();
  }
}

/** The live lease holder from a summary row (as liveOwner decides, without reading the run's plan). */
export function ownerOf(row: RunSummaryRow, now = Date.now()): string | null {
  if (!row.owner || !row.leaseExpiresAt || Date.parse(row.leaseExpiresAt) <= now) return null;
  return ownerIsDead(row.owner) ? null : row.owner;
}
