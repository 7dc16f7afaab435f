// Resuming against a plan file that changed since the run froze its copy: refuse, or accept and log it.
// Structural changes (phases, groups, step ids) cannot be accepted: the run's statechart depends on them.

import { existsSync } from 'node:fs';
import { PhasedError, type ResolvedPlan } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { diffPlans } from '../plan/diff.js';
import { planHash } from '../plan/hash.js';
import type { PlanOverrides } from '../plan/index.js';
import { RunLog } from './run-log.js';

/** The frozen plan as stored in the run, with the overrides the run was created with. */
export type FrozenPlan = ResolvedPlan & { overrides?: PlanOverrides };

export function freezePlan(plan: ResolvedPlan, overrides: PlanOverrides): string {
  const clean = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return JSON.stringify({ ...plan, overrides: clean });
}

function shape(plan: ResolvedPlan): string {
  return JSON.stringify(
    plan.phases.map((p) => [p.id, p.gate.id, p.groups.map((g) => g.steps.map((s) => s.id))]),
  );
}

export interface PlanChange {
  changes: string[];
  newPlan: ResolvedPlan;
  newHash: string;
}

/** Compare the run's frozen plan with its source file; undefined when unchanged or the file is gone. */
export async function detectPlanChange(store: EventStore, runId: string): Promise<PlanChange | undefined> {
  const run = store.requireRun(runId);
  const frozen = JSON.parse(run.planJson) as FrozenPlan;
  if (!frozen.source || !existsSync(frozen.source)) return undefined;
  // Loaded on demand: the YAML and zod parsers are only needed when there is a plan file to compare.
  const { loadPlan } = await import('../plan/index.js');
  const current = loadPlan(frozen.source, frozen.overrides ?? {});
  const newHash = planHash(current);
  if (newHash === run.planHash) return undefined;
  const { overrides: _o, ...old } = frozen;
  return { changes: diffPlans(old, current), newPlan: current, newHash };
}

/** Refuse a changed plan (PLAN_CHANGED), or, when accepted, replace the frozen copy and log the change. */
export async function settlePlanChange(
  store: EventStore,
  runId: string,
  accept: boolean,
  by: string,
): Promise<string[]> {
  const change = await detectPlanChange(store, runId);
  if (!change) return [];
  const run = store.requireRun(runId);
  const frozen = JSON.parse(run.planJson) as FrozenPlan;
  const list = change.changes.map((c) => `  - ${c}`).join('\n');
  if (shape(frozen) !== shape(change.newPlan)) {
    throw new PhasedError(
      'PLAN_CHANGED',
      `run ${runId}: the plan file ${frozen.source} changed its structure (phases, groups or step ids) since the run started:\n${list}\n` +
        `A run cannot change shape midway: restore the file, or start a new run with \`phased run ${frozen.source}\`.`,
    );
  }
  if (!accept) {
    throw new PhasedError(
      'PLAN_CHANGED',
      `run ${runId}: the plan file ${frozen.source} changed since the run started:\n${list}\n` +
        `Nothing was resumed. Restore the file, or resume with --accept-plan-change to continue with the new plan (the change is logged).`,
    );
  }
  const log = RunLog.open(store, runId, { verify: true });
  store.replacePlan(runId, freezePlan(change.newPlan, frozen.overrides ?? {}), change.newHash, () =>
    log.commit([
      {
        type: 'PLAN_CHANGE_ACCEPTED',
        by,
        oldHash: run.planHash,
        newHash: change.newHash,
        changes: change.changes,
      },
    ]),
  );
  return change.changes;
}
