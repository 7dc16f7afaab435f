// Opens the backends a run's plan needs by role: its warehouse (reads, SQL steps), plus the command backend
// when a step runs a script.
// The backends' module loads on first use, so a driver given its warehouse never loads it; a resume starts the
// backends early, while it rebuilds the run.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ResolvedPlan } from '../../machines/index.js';
import type { RunRow } from '../../store/index.js';
import type { PlanWarehouse } from '../warehouse/index.js';

type WarehouseModule = typeof import('../warehouse/index.js');

export async function openPlanWarehouse(
  plan: ResolvedPlan,
  opts: { logDir: string },
): Promise<PlanWarehouse> {
  const m = await import('../warehouse/index.js');
  const opened = openWith(m, plan, opts);
  // An SQLite pool took the spare worker `phased run` started as it began; any other warehouse did not.
  m.discardSpareWorker();
  return opened;
}

/** A run's SQLite worker pool: one worker per core (more threads than cores only makes each unit's SQL wait for a CPU), at most the plan's concurrency and 4. */
export function warehousePoolSize(maxConcurrency: number): number {
  return Math.max(1, Math.min(maxConcurrency, availableParallelism(), 4));
}

function openWith(m: WarehouseModule, plan: ResolvedPlan, opts: { logDir: string }): Promise<PlanWarehouse> {
  const poolSize = warehousePoolSize(plan.maxConcurrency);
  const needsCommand = plan.phases.some((p) =>
    p.groups.some((g) => g.steps.some((s) => s.kind === 'command')),
  );
  // openWarehouse starts an SQLite worker before its first await.
  return m
    .openWarehouse(plan.warehouse, { poolSize })
    .then((base) =>
      m.routeWarehouse(base, needsCommand ? m.openCommandBackend({ logDir: join(opts.logDir) }) : undefined),
    );
}

/** A run's backends being opened in the background, for the frozen plan with hash `planHash`. */
export interface OpeningWarehouse {
  planHash: string;
  opened: Promise<PlanWarehouse>;
}

/**
 * Start opening the backends of `run`'s frozen plan now, so a SQLite worker boots while the caller takes the lease
 * and rebuilds the run (most of a resume's wait for its first unit was that boot). Only for a frozen plan already
 * checked against the log (assertFrozenPlan): its warehouse path is trusted. The driver uses the result when the
 * run still has that plan, and reports an opening error where it would have opened the backends itself. The
 * caller closes them (closeOpening).
 */
export async function openRunWarehouseEarly(
  run: RunRow,
  opts: { logDir: string },
): Promise<OpeningWarehouse> {
  // The backends' module is loaded before this returns, and with it the worker is started: left to the driver,
  // the module's loading would wait for the rebuild (one long run of microtasks) to finish.
  const m = await import('../warehouse/index.js');
  const opened = openWith(m, JSON.parse(run.planJson) as ResolvedPlan, opts);
  // An SQLite pool took the spare worker the CLI may have started as it began; any other warehouse did not.
  m.discardSpareWorker();
  // Awaited by the driver, or closed unused: an early failure is never an unhandled rejection.
  opened.catch(() => undefined);
  return { planHash: run.planHash, opened };
}

/** Close backends opened early (a failed opening has nothing to close). */
export async function closeOpening(opening: OpeningWarehouse | undefined): Promise<void> {
  if (!opening) return;
  const wh = await opening.opened.catch(() => undefined);
  await wh?.close().catch(() => undefined);
}
