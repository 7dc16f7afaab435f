// Resuming against a plan file that changed since the run froze its copy: refuse, or accept and log it.
// Structural changes (phases, groups, step ids) cannot be accepted: the run's statechart depends on them.
// Accepting takes the run's lease first, so a run another process drives is never changed under it.

import { existsSync } from 'node:fs';
import { PhasedError, type ResolvedPlan } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { diffPlans } from '../plan/diff.js';
import { planHash } from '../plan/hash.js';
import type { PlanOverrides, PlanSource } from '../plan/index.js';
import { sourcesUnchanged } from '../plan/sources.js';
import { assertFrozenPlan } from './frozen-plan.js';
import { type HeldLease, takeLease } from './lease.js';
import { RunLog } from './run-log.js';

/** The frozen plan as stored in the run, with the overrides the run was created with. */
export type FrozenPlan = ResolvedPlan & { overrides?: PlanOverrides; sources?: PlanSource[] };

/**
 * The run's frozen plan as stored: the resolved plan, the overrides it was created with, and the files it was read
 * from with their digests (so a resume can tell without parsing that the plan file did not change).
 */
export function freezePlan(plan: ResolvedPlan, overrides: PlanOverrides, sources?: PlanSource[]): string {
  const clean = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return JSON.stringify({ ...plan, overrides: clean, ...(sources?.length ? { sources } : {}) });
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
  /** The files the new plan was read from, with their digests. */
  sources: PlanSource[];
}

/** Compare the run's frozen plan with its source file; undefined when unchanged or the file is gone. */
export async function detectPlanChange(store: EventStore, runId: string): Promise<PlanChange | undefined> {
  const run = await store.requireRun(runId);
  const frozen = JSON.parse(run.planJson) as FrozenPlan;
  if (!frozen.source || !existsSync(frozen.source)) return undefined;
  // The files the plan was read from still have the bytes they had: it would load exactly as frozen.
  if (sourcesUnchanged(frozen.sources)) return undefined;
  // Loaded on demand: the YAML and zod parsers are only needed when there is a plan file to compare.
  const { loadPlanWithSources } = await import('../plan/index.js');
  const { plan: current, sources } = loadPlanWithSources(frozen.source, frozen.overrides ?? {});
  const newHash = planHash(current);
  if (newHash === run.planHash) return undefined;
  const { overrides: _o, sources: _s, ...old } = frozen;
  return { changes: diffPlans(old, current), newPlan: current, newHash, sources };
}

export interface SettledPlanChange {
  /** What changed (empty when the plan file is as the run froze it). */
  changes: string[];
  /** The plan file the run was created from, when it is no longer there (the run goes on with its frozen plan). */
  sourceGone?: string;
  /** The run's lease, taken to accept the change: the caller drives the run under it next, or releases it. */
  lease?: HeldLease;
}

/**
 * Refuse a changed plan (PLAN_CHANGED), or, when accepted, replace the frozen copy and log the change. The frozen
 * plan is checked against the log first (LOG_TAMPERED). Accepting takes the run's lease for `by` (LEASE_HELD when
 * another process drives the run; nothing changes) and returns it.
 */
export async function settlePlanChange(
  store: EventStore,
  runId: string,
  accept: boolean,
  by: string,
): Promise<SettledPlanChange> {
  // A frozen plan edited outside phased is refused before it is compared with anything.
  await assertFrozenPlan(store, await store.requireRun(runId));
  const change = await detectPlanChange(store, runId);
  const run = await store.requireRun(runId);
  const frozen = JSON.parse(run.planJson) as FrozenPlan;
  if (!change)
    return frozen.source && !existsSync(frozen.source)
      ? { changes: [], sourceGone: frozen.source }
      : { changes: [] };
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
  // Before anything changes: a live driver of this run keeps it (exit 4), and none can start meanwhile.
  const lease = await takeLease(store, runId, by);
  try {
    const log = await RunLog.open(store, runId, { verify: true });
    // Under the lease, the frozen plan is the one compared above (nothing else can accept a change now).
    const held = await store.requireRun(runId);
    if (held.planHash !== run.planHash) {
      throw new PhasedError(
        'PLAN_CHANGED',
        `run ${runId}: its plan changed while this resume compared it (now ${held.planHash.slice(0, 12)}…); nothing was changed. Run the resume again.`,
      );
    }
    const event = {
      type: 'PLAN_CHANGE_ACCEPTED' as const,
      by,
      oldHash: run.planHash,
      newHash: change.newHash,
      changes: change.changes,
    };
    // The frozen plan and the event that records it change together, under the lease, at our head.
    const planJson = freezePlan(change.newPlan, frozen.overrides ?? {}, change.sources);
    await log.commit([event], {
      lease: lease.token,
      via: (seq, events) => store.replacePlan(runId, planJson, change.newHash, seq, events, lease.token),
    });
  } catch (err) {
    await store.releaseLease(runId, lease.token);
    throw err;
  }
  return { changes: change.changes, lease };
}
