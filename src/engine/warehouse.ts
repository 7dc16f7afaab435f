// Opens the backends a run's plan needs by role: its warehouse (reads, SQL steps), plus the command backend
// when a step runs a script.
// The backends load on first use, so a driver given its warehouse (and a resume's start-up) never loads them.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ResolvedPlan } from '../../machines/index.js';
import type { PlanWarehouse } from '../warehouse/index.js';

export async function openPlanWarehouse(
  plan: ResolvedPlan,
  opts: { logDir: string },
): Promise<PlanWarehouse> {
  // One SQLite worker per core: more threads than cores only makes each unit's SQL wait for a CPU.
  const poolSize = Math.max(1, Math.min(plan.maxConcurrency, availableParallelism(), 4));
  const { openCommandBackend, openWarehouse, routeWarehouse } = await import('../warehouse/index.js');
  const base = await openWarehouse(plan.warehouse, { poolSize });
  const needsCommand = plan.phases.some((p) =>
    p.groups.some((g) => g.steps.some((s) => s.kind === 'command')),
  );
  return routeWarehouse(base, needsCommand ? openCommandBackend({ logDir: join(opts.logDir) }) : undefined);
}
