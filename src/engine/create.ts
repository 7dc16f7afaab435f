// Creating a run: a fresh id, the frozen copy of the resolved plan, and the runs row; and the unfinished runs
// whose frozen plans would write the same partitions (the CLI tells the user; nothing is refused).
// RUN_CREATED is appended by the driver when it first attaches (so a crash in between loses nothing).

import { randomBytes } from 'node:crypto';
import { isOver, MACHINE_VERSION, PhasedError, type ResolvedPlan } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { planHash } from '../plan/hash.js';
import type { PlanOverrides, PlanSource } from '../plan/index.js';
// Not the plan module's index: that would load its parsers (GoogleSQL, YAML, schemas) into every resume.
import { type Overlap, planOverlap } from '../plan/overlap.js';
import { freezePlan } from './plan-change.js';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  return `r${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function createRun(
  store: EventStore,
  plan: ResolvedPlan,
  opts: { runId?: string; overrides?: PlanOverrides; sources?: PlanSource[] } = {},
): Promise<string> {
  const runId = opts.runId ?? newRunId();
  if (!RUN_ID.test(runId)) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `--run-id ${JSON.stringify(runId)} is not valid: use 1–64 letters, digits, '-' or '_', starting with a letter or digit`,
    );
  }
  await store.createRun({
    runId,
    planName: plan.name,
    planHash: planHash(plan),
    planJson: freezePlan(plan, opts.overrides ?? {}, opts.sources),
    machineVersion: MACHINE_VERSION,
    createdAt: new Date().toISOString(),
  });
  return runId;
}

export interface OverlappingRun {
  runId: string;
  status: string;
  owner: string | null;
  overlap: Overlap;
}

/** Unfinished runs other than `runId` whose frozen plans write some of the same tables and dates as `plan`. */
export async function overlappingRuns(
  store: EventStore,
  plan: ResolvedPlan,
  runId: string,
): Promise<OverlappingRun[]> {
  const out: OverlappingRun[] = [];
  for (const r of await store.views.runSummaries()) {
    // A run not over yet may still be written for (by a driver, or after a retry and a resume).
    if (r.runId === runId || isOver(r.status)) continue;
    const json = await store.views.planJson(r.runId);
    const overlap = json === undefined ? undefined : planOverlap(plan, JSON.parse(json) as ResolvedPlan);
    if (overlap) out.push({ runId: r.runId, status: r.status, owner: r.owner, overlap });
  }
  return out;
}
