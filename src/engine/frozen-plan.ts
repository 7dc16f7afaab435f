// The frozen plan as evidence: `runs.plan_json` must hash to the plan hash the log recorded last. Checked by
// every verifying rebuild (resume, replay --verify) and before a plan change is accepted.

import { PhasedError, type ResolvedPlan } from '../../machines/index.js';
import type { EventStore, RunRow } from '../../store/index.js';
import { planHash } from '../plan/hash.js';

/** Where the frozen plan disagrees with the log: the governing event's seq (if any) and why. */
export interface FrozenPlanProblem {
  seq?: number;
  reason: string;
}

const short = (h: string) => h.slice(0, 12);

/** Throw LOG_TAMPERED (exit 2) when the frozen plan does not match the log (see frozenPlanProblem). */
export async function assertFrozenPlan(store: EventStore, run: RunRow): Promise<void> {
  const problem = await frozenPlanProblem(store, run);
  if (problem) throw frozenPlanTampered(run.runId, problem);
}

export function frozenPlanTampered(runId: string, problem: FrozenPlanProblem): PhasedError {
  return new PhasedError(
    'LOG_TAMPERED',
    `run ${runId}: the frozen plan does not match the log: ${problem.reason}. ` +
      `Nothing was appended. Inspect it with \`phased replay ${runId} --verify\`; a run whose plan was altered cannot be resumed.`,
    { details: { runId, seq: problem.seq } },
  );
}

/**
 * `runs.plan_json` must hash to the plan hash the log recorded last (RUN_CREATED, or the latest
 * PLAN_CHANGE_ACCEPTED's newHash), and so must `runs.plan_hash`. Before the first event, the column is the record
 * (RUN_CREATED copies it).
 */
export async function frozenPlanProblem(
  store: EventStore,
  run: RunRow,
): Promise<FrozenPlanProblem | undefined> {
  let frozen: ResolvedPlan & { overrides?: unknown; sources?: unknown };
  try {
    frozen = JSON.parse(run.planJson);
  } catch {
    return { reason: "runs.plan_json (the run's frozen plan) is not JSON: it was edited outside phased" };
  }
  const { overrides: _o, sources: _s, ...plan } = frozen;
  let actual: string;
  try {
    actual = planHash(plan as ResolvedPlan);
  } catch (err) {
    return {
      reason: `runs.plan_json (the run's frozen plan) is not a plan phased wrote (${(err as Error).message}): it was edited outside phased`,
    };
  }
  const ev = await store.planEvent(run.runId);
  if (ev && !ev.hashOk) {
    return { seq: ev.seq, reason: `seq ${ev.seq} (${ev.type}): hash mismatch (data or type changed)` };
  }
  let recorded = run.planHash;
  let where = 'runs.plan_hash (no event has recorded the plan yet)';
  if (ev) {
    const data = JSON.parse(ev.data) as { planHash?: string; newHash?: string };
    recorded = (ev.type === 'RUN_CREATED' ? data.planHash : data.newHash) ?? '';
    where = `seq ${ev.seq} (${ev.type})`;
  }
  if (actual !== recorded) {
    return {
      seq: ev?.seq,
      reason:
        `runs.plan_json (the run's frozen plan) hashes to ${short(actual)}…, but ${where} records plan ${short(recorded)}…: ` +
        'the frozen plan (its SQL or settings) was edited outside phased',
    };
  }
  if (run.planHash !== recorded) {
    return {
      seq: ev?.seq,
      reason: `runs.plan_hash is ${short(run.planHash)}…, but ${where} records plan ${short(recorded)}…: it was edited outside phased`,
    };
  }
  return undefined;
}
