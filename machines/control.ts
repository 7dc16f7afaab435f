// Control commands from operators (pause, cancel, resume, retry, retry --gate, approve) as decisions: given the
// run's state and whether a driver is live, the events to append, or a typed refusal (BAD_ARGUMENT for input
// that names nothing in the plan, INVALID_COMMAND for a command the run's state does not take). Pure: opening
// the log, the lease look-up and the append are the shell's (src/engine/control.ts).

import { PhasedError } from '../src/errors/index.js';
import type { RunEvent } from './events.js';
import { isCalendarDate } from './partitions.js';
import { allSteps } from './plan.js';
import { reopenEvent } from './reopen.js';
import { createdEvents, type RunState } from './run-state.js';
import { accepts, blockedGate, type RunSnapshot, runStatus } from './snapshot.js';

export interface ControlState extends RunState {
  /** The live lease holder (`pid@host`) that will react to the request, or null when no driver is live. */
  driver: string | null;
}

export type ControlCommand =
  | { type: 'pause' | 'cancel'; by: string; reason: string }
  | { type: 'resume'; by: string; reason: string }
  | { type: 'retry'; by: string; reason?: string; step?: string; partitions?: string[] }
  | { type: 'recheck-gate'; by: string; reason?: string; gate: string; step?: string; partitions?: string[] }
  | { type: 'approve'; by: string; reason: string; gate: string };

function invalid(message: string): PhasedError {
  return new PhasedError('INVALID_COMMAND', message);
}

function badArgument(message: string): PhasedError {
  return new PhasedError('BAD_ARGUMENT', message);
}

/** A gate's state in words, for refusals: what the operator would see in `phased status`. */
function gateStateText(snap: RunSnapshot, gate: string): string {
  const g = snap.context.gates[gate];
  if (!g || g.status === 'pending') return 'not evaluated yet';
  if (g.status === 'failed') return 'failed (not blocking now)';
  return g.status;
}

function requireGate(state: RunState, gate: string): void {
  const gates = state.plan.phases.map((p) => p.gate.id);
  if (!gates.includes(gate)) {
    throw badArgument(`run ${state.run.runId} has no gate ${gate} (gates: ${gates.join(', ')})`);
  }
}

export function decideControl(command: ControlCommand, state: ControlState): RunEvent[] {
  const runId = state.run.runId;
  const snap = state.snapshot;
  switch (command.type) {
    case 'pause':
    case 'cancel': {
      const { by, reason } = command;
      const pause = command.type === 'pause';
      const request: RunEvent = pause
        ? { type: 'PAUSE_REQUESTED', by, reason }
        : { type: 'CANCEL_REQUESTED', by, reason };
      if (!accepts(snap, request)) {
        const status = runStatus(snap);
        throw invalid(
          `run ${runId} is ${status}; it cannot be ${pause ? 'paused' : 'cancelled'} now.` +
            (status === 'paused' && pause ? ' It is already paused; `phased resume` continues it.' : ''),
        );
      }
      // With a live driver only the request is logged: the driver drains its units, then settles it.
      const events = [...createdEvents(state), request];
      if (!state.driver)
        events.push(pause ? { type: 'PAUSED', by, reason } : { type: 'CANCELLED', by, reason });
      return events;
    }
    case 'resume': {
      const event: RunEvent = { type: 'RESUMED', by: command.by, reason: command.reason };
      if (!accepts(snap, event)) {
        throw invalid(`run ${runId} is ${runStatus(snap)}; only a paused run can be resumed.`);
      }
      return [event];
    }
    case 'recheck-gate': {
      const { gate } = command;
      requireGate(state, gate);
      if (command.step !== undefined || command.partitions !== undefined) {
        throw badArgument(
          '--gate re-checks a gate as the data stands and re-opens no unit; re-open failed units with `phased retry RUN [--step ID] [--partition D …]` instead',
        );
      }
      const blocked = blockedGate(snap);
      if (blocked !== gate) {
        throw invalid(
          `gate ${gate} of run ${runId} is ${gateStateText(snap, gate)} (run ${runStatus(snap)}${blocked ? `, blocked at gate ${blocked}` : ''}); only a blocked gate can be re-checked.`,
        );
      }
      return [
        {
          type: 'RETRY_REQUESTED',
          gate,
          reopened: [],
          by: command.by,
          reason: command.reason ?? 'gate re-check requested by operator',
        },
      ];
    }
    case 'retry': {
      const { step, partitions } = command;
      const steps = allSteps(state.plan).map((s) => s.id);
      if (step !== undefined && !steps.includes(step)) {
        throw badArgument(`--step ${step} is not a step of run ${runId}'s plan (steps: ${steps.join(', ')})`);
      }
      for (const p of partitions ?? []) {
        if (!isCalendarDate(p)) throw badArgument(`--partition ${p} is not a date: expected YYYY-MM-DD`);
      }
      const event = reopenEvent(state, command.by, {
        step,
        partitions,
        reason: command.reason ?? 'requested by operator',
      });
      if (event) return [event];
      const scope = [step && `step ${step}`, partitions?.length && `partitions ${partitions.join(', ')}`]
        .filter(Boolean)
        .join(', ');
      const blocked = blockedGate(snap);
      throw invalid(
        `run ${runId} is ${runStatus(snap)}: nothing to retry${scope ? ` in ${scope}` : ''} (no failed units that may be re-opened now).` +
          (blocked && !scope
            ? ` To evaluate gate ${blocked} again as the data stands: \`phased retry ${runId} --gate ${blocked}\`; to pass it on record: \`phased approve ${runId} --gate ${blocked} --reason TEXT\`.`
            : ''),
      );
    }
    case 'approve': {
      const { gate, reason, by } = command;
      requireGate(state, gate);
      if (!reason.trim()) throw badArgument('approve needs a non-empty --reason: it goes on record');
      const event: RunEvent = { type: 'GATE_OVERRIDDEN', gate, reason, by };
      if (!accepts(snap, event)) {
        const g = snap.context.gates[gate];
        throw invalid(
          `gate ${gate} of run ${runId} is ${g?.status ?? 'not reached yet'} (run ${runStatus(snap)}); only a blocked gate can be approved.`,
        );
      }
      return [event];
    }
  }
}
