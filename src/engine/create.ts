// Creating a run: a fresh id, the frozen copy of the resolved plan, and the runs row.
// RUN_CREATED is appended by the driver when it first attaches (so a crash in between loses nothing).

import { randomBytes } from 'node:crypto';
import { MACHINE_VERSION, PhasedError, type ResolvedPlan } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { planHash } from '../plan/hash.js';
import type { PlanOverrides, PlanSource } from '../plan/index.js';
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
