// What a driver appends when it takes a run: RUN_CREATED on an empty log, DRIVER_ATTACHED with why, the
// completion of a pause requested before the previous driver stopped, RESUMED for a paused run it is asked to
// continue, and the re-opening of failed units (they are retried on resume, never skipped). Pure: the lease,
// the takeover check and the failed units are read by the driver, which appends what this returns.

import type { AttachReason, RunEvent } from './events.js';
import { reopenEvent } from './reopen.js';
import { createdEvents, evolveRun, logIsEmpty, type RunState } from './run-state.js';
import { runStatus } from './snapshot.js';

export interface AttachCommand {
  type: 'attach';
  /** The driver: its process, host, software version and lease owner id (`pid@host`). */
  pid: number;
  host: string;
  version: string;
  by: string;
  /** Why it attaches when the lease was free: `daemon`, or by default `new` (empty log) / `resume`. */
  reason?: Exclude<AttachReason, 'takeover'>;
  /** The lease owner that never detached, when the lease was taken over. */
  takeoverFrom?: string;
  /** Continue a paused run (CLI resume); the daemon leaves paused runs paused. */
  resumePaused: boolean;
}

export function decideAttach(command: AttachCommand, state: RunState): RunEvent[] {
  const from = command.takeoverFrom;
  const reason: AttachReason = from ? 'takeover' : (command.reason ?? (logIsEmpty(state) ? 'new' : 'resume'));
  const events: RunEvent[] = [
    ...createdEvents(state),
    {
      type: 'DRIVER_ATTACHED',
      pid: command.pid,
      host: command.host,
      version: command.version,
      reason,
      ...(from ? { from } : {}),
    },
  ];
  let s = events.reduce(evolveRun, state);
  const add = (e: RunEvent) => {
    events.push(e);
    s = evolveRun(s, e);
  };
  if (command.resumePaused) {
    const ctx = s.snapshot.context;
    // A pause that was requested but never completed (its driver died) completes now, then resumes.
    if (runStatus(s.snapshot) === 'running' && ctx.pauseRequested && !ctx.cancelRequested) {
      add({ type: 'PAUSED', by: command.by, reason: 'requested before the previous driver stopped' });
    }
    if (runStatus(s.snapshot) === 'paused') add({ type: 'RESUMED', by: command.by, reason: 'resume' });
  }
  // Failed units are retried on resume, never skipped; a failed run starts over from where it failed.
  const reopen = reopenEvent(s, 'resume');
  if (reopen) add(reopen);
  return events;
}
