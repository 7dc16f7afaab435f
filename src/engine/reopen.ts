// Re-opening failed units from a run's log: reads the failed units, and lets machines/reopen.ts decide the
// RETRY_REQUESTED event; appending it is the caller's job.

import { type RetryScope, type RunEvent, reopenEvent } from '../../machines/index.js';
import type { RunLog } from './run-log.js';
import { failedPartitions, runState } from './run-state.js';

/**
 * The RETRY_REQUESTED event re-opening failed units within what may be retried now, or undefined when there is
 * nothing to re-open (a failed run is always re-opened: its prerequisites or baseline run again).
 */
export async function failedUnitsToReopen(
  log: RunLog,
  by: string,
  scope: RetryScope = {},
): Promise<RunEvent | undefined> {
  const snap = log.snapshot;
  return reopenEvent(runState(log, snap, await failedPartitions(log, snap, scope.step)), by, scope);
}
