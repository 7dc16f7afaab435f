// Starting a pending unit when other writers may be starting it too: the decision reads the unit's row as the log
// stands, and the append carries the head it was decided at, so of two writers that both saw the unit pending
// only the first appends UNIT_STARTED; the other gets CONFLICT, folds the new events and finds nothing to start.

import type { RunEvent } from '../../machines/index.js';
import type { StoredEvent } from '../../store/index.js';
import type { CommitOptions, RunLog } from './run-log.js';

/** The UNIT_STARTED of the unit's next attempt when the log shows it pending, or nothing. */
async function startIfPending(log: RunLog, step: string, partition: string): Promise<RunEvent[]> {
  const page = await log.store.views.unitsPage(log.runId, { step, partition, limit: 1, offset: 0 });
  const unit = page.units[0];
  if (unit?.status !== 'pending') return [];
  const attempt = unit.attempts + 1;
  return [{ type: 'UNIT_STARTED', step, partition, attempt, reason: attempt === 1 ? 'first' : 'retry' }];
}

/**
 * Start `partition` of `step` unless another writer already did (CONFLICT: fold, look again). Returns the
 * UNIT_STARTED appended, or none when the unit was no longer pending.
 */
export function claimUnit(
  log: RunLog,
  step: string,
  partition: string,
  opts: CommitOptions = {},
): Promise<StoredEvent[]> {
  return log.commitWith(() => startIfPending(log, step, partition), opts);
}
