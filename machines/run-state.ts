// What run-level decisions are taken from: the run's identity, its frozen plan, the machine's snapshot and
// its failed units as the units projection holds them; and evolveRun, which folds one event into it. Pure:
// the shells read these from the log (src/engine/run-state.ts) and append what the decisions return.

import { type AnyMachineSnapshot, type EventObject, transition } from 'xstate';
import type { RunEvent } from './events.js';
import { allSteps, type ResolvedPlan } from './plan.js';
import type { RunSnapshot } from './snapshot.js';

export interface RunState {
  /** The run as its row records it: what RUN_CREATED copies. */
  run: { runId: string; planHash: string; machineVersion: string };
  plan: ResolvedPlan;
  snapshot: RunSnapshot;
  /** Failed partitions per step (steps with none may be absent). */
  failed: Readonly<Record<string, readonly string[]>>;
}

/** The snapshot after one more event: the machine's own pure transition. */
export function nextSnapshot(snapshot: RunSnapshot, event: RunEvent): RunSnapshot {
  const s = snapshot as unknown as AnyMachineSnapshot;
  return transition(s.machine, s, event as EventObject)[0] as unknown as RunSnapshot;
}

/** Fold one event: the machine transitions; failed units are added by final failures, removed by re-opening. */
export function evolveRun(state: RunState, event: RunEvent): RunState {
  const snapshot = nextSnapshot(state.snapshot, event);
  let failed = state.failed;
  if (event.type === 'UNIT_FAILED' && event.final) {
    const now = failed[event.step] ?? [];
    if (!now.includes(event.partition)) failed = { ...failed, [event.step]: [...now, event.partition] };
  } else if (event.type === 'RETRY_REQUESTED') {
    const only = event.partitions ? new Set(event.partitions) : undefined;
    for (const r of event.reopened) {
      if (event.step !== undefined && r.step !== event.step) continue;
      const left = (failed[r.step] ?? []).filter((p) => only !== undefined && !only.has(p));
      failed = { ...failed, [r.step]: left };
    }
  }
  return { ...state, snapshot, failed };
}

/** Whether the log has no event yet: RUN_CREATED, always the first, records the run's id in the context. */
export function logIsEmpty(state: RunState): boolean {
  return state.snapshot.context.runId === '';
}

/** RUN_CREATED when the log has no event yet (whoever writes first adds it), else nothing. */
export function createdEvents(state: RunState): RunEvent[] {
  if (!logIsEmpty(state)) return [];
  const { run, plan } = state;
  const refill = allSteps(plan).every((s) => s.refill === 'all') ? 'all' : 'missing';
  return [
    {
      type: 'RUN_CREATED',
      runId: run.runId,
      planName: plan.name,
      planHash: run.planHash,
      range: plan.range,
      machineVersion: run.machineVersion,
      refill,
    },
  ];
}
