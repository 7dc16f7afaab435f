// What a driver appends as a run or its own turn ends: RUN_SUCCEEDED with the summary when the run completes,
// PAUSED or CANCELLED once a requested stop has no unit in flight, DRIVER_DETACHED when it lets go. Pure: the
// driver loop decides when to ask, and appends what this returns.

import type { RunEvent } from './events.js';
import type { RunState } from './run-state.js';

export type FinishCommand =
  /** The run's last state declared `finish`. */
  | { type: 'finish' }
  /** Settle a requested pause or cancel: `inflight` units are still running. */
  | { type: 'settle-stop'; by: string; inflight: number }
  /** The driver lets go of the run. */
  | { type: 'detach'; pid: number; host: string; version: string; reason: string };

export function decideFinish(command: FinishCommand, state: RunState): RunEvent[] {
  const ctx = state.snapshot.context;
  switch (command.type) {
    case 'finish': {
      const summary: Record<string, { done: number; failed: number; total: number }> = {};
      for (const [id, c] of Object.entries(ctx.steps)) {
        summary[id] = { done: c.done, failed: c.failed, total: c.total };
      }
      return [{ type: 'RUN_SUCCEEDED', summary }];
    }
    case 'settle-stop':
      // In-flight units finish first (their results are logged); a cancel outranks a pause.
      if (command.inflight > 0) return [];
      if (ctx.cancelRequested) return [{ type: 'CANCELLED', by: command.by, reason: 'requested' }];
      if (ctx.pauseRequested) return [{ type: 'PAUSED', by: command.by, reason: 'requested' }];
      return [];
    case 'detach': {
      const { pid, host, version, reason } = command;
      return [{ type: 'DRIVER_DETACHED', pid, host, version, reason }];
    }
  }
}
