// The state run-level decisions (machines/attach, control, finish, reopen) are taken from, read from a run's
// log: its row, frozen plan and snapshot, and the failed units of the steps the machine counts failures for
// (from the units projection). Reads only; appending what the decisions return is the callers'.

import { type RunSnapshot, type RunState, stepsWithFailures } from '../../machines/index.js';
import type { RunLog } from './run-log.js';

/** Failed partitions per step, for the steps with final failures (only `step`, when given). */
export async function failedPartitions(
  log: RunLog,
  snap: RunSnapshot = log.snapshot,
  step?: string,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const s of stepsWithFailures(snap, step)) {
    out[s] = (await log.store.units(log.runId, { step: s, status: ['failed'] })).map((u) => u.partition);
  }
  return out;
}

export function runState(
  log: RunLog,
  snapshot: RunSnapshot = log.snapshot,
  failed: Record<string, string[]> = {},
): RunState {
  const { runId, planHash, machineVersion } = log.run;
  return { run: { runId, planHash, machineVersion }, plan: log.plan, snapshot, failed };
}
