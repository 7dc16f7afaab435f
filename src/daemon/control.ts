// Control commands from another process: pause, cancel, retry, approve. Each decides on the run's snapshot and
// appends at the head it saw, without a lease (CONFLICT: fold what the driver appended, decide again); it never
// drives units (the driver reacts to the log).

import {
  accepts,
  allSteps,
  blockedGate,
  isCalendarDate,
  PhasedError,
  type RunEvent,
  type RunSnapshot,
  runStatus,
} from '../../machines/index.js';
import type { EventStore, StoredEvent } from '../../store/index.js';
import { failedUnitsToReopen, liveOwner, ownerId, RunLog } from '../engine/index.js';

export interface ControlResult {
  runId: string;
  /** Events appended, in order. */
  appended: string[];
  /** Their seqs. */
  seqs: number[];
  /** The run's status after the command. */
  status: string;
  /** The lease holder that will react to the request, when a driver is live. */
  driver: string | null;
  /** What the operator should do next, if anything. */
  hint?: string;
}

function invalid(message: string): PhasedError {
  return new PhasedError('INVALID_COMMAND', message);
}

function result(log: RunLog, stored: StoredEvent[], driver: string | null, hint?: string): ControlResult {
  const appended = stored.map((e) => e.type);
  const seqs = stored.map((e) => e.seq);
  return { runId: log.runId, appended, seqs, status: runStatus(log.snapshot), driver, hint };
}

/** Pause or cancel: with a live driver only the request is logged (the driver drains, then settles it). */
export async function requestStop(
  store: EventStore,
  runId: string,
  kind: 'pause' | 'cancel',
  reason = 'requested by operator',
  by = ownerId(),
): Promise<ControlResult> {
  const log = await RunLog.open(store, runId, { verify: true });
  const request: RunEvent =
    kind === 'pause' ? { type: 'PAUSE_REQUESTED', by, reason } : { type: 'CANCEL_REQUESTED', by, reason };
  let driver: string | null = null;
  const stored = await log.commitWith(async (snap: RunSnapshot) => {
    const status = runStatus(snap);
    if (!accepts(snap, request)) {
      throw invalid(
        `run ${runId} is ${status}; it cannot be ${kind === 'pause' ? 'paused' : 'cancelled'} now.` +
          (status === 'paused' && kind === 'pause'
            ? ' It is already paused; `phased resume` continues it.'
            : ''),
      );
    }
    driver = (await liveOwner(store, runId)) ?? null;
    const events = [...log.createdEvents(), request];
    if (!driver) {
      const by2 = { by, reason };
      events.push(kind === 'pause' ? { type: 'PAUSED', ...by2 } : { type: 'CANCELLED', ...by2 });
    }
    return events;
  });
  const hint = driver
    ? `${driver} drives the run; it ${kind === 'pause' ? 'pauses' : 'cancels'} once its in-flight units finish`
    : kind === 'pause'
      ? `continue it with \`phased resume ${runId}\``
      : undefined;
  return result(log, stored, driver, hint);
}

export interface RetryRequest {
  step?: string;
  partitions?: string[];
  /** Re-check this blocked gate as the data stands (no unit is re-opened). */
  gate?: string;
  reason?: string;
  /** Who asks (default this process; `http` from the console). */
  by?: string;
}

/** A gate's state in words, for refusals: what the operator would see in `phased status`. */
function gateStateText(snap: RunSnapshot, gate: string): string {
  const g = snap.context.gates[gate];
  if (!g || g.status === 'pending') return 'not evaluated yet';
  if (g.status === 'failed') return 'failed (not blocking now)';
  return g.status;
}

/** `retry --gate`: RETRY_REQUESTED {gate} on the blocked gate, which the driver then evaluates again. */
async function requestGateRecheck(log: RunLog, gate: string, r: RetryRequest): Promise<ControlResult> {
  const runId = log.runId;
  const gates = log.plan.phases.map((p) => p.gate.id);
  if (!gates.includes(gate)) {
    throw new PhasedError('BAD_ARGUMENT', `run ${runId} has no gate ${gate} (gates: ${gates.join(', ')})`);
  }
  if (r.step !== undefined || r.partitions !== undefined) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      '--gate re-checks a gate as the data stands and re-opens no unit; re-open failed units with `phased retry RUN [--step ID] [--partition D …]` instead',
    );
  }
  const event: RunEvent = {
    type: 'RETRY_REQUESTED',
    gate,
    reopened: [],
    by: r.by ?? ownerId(),
    reason: r.reason ?? 'gate re-check requested by operator',
  };
  const stored = await log.commitWith((snap) => {
    const blocked = blockedGate(snap);
    if (blocked !== gate) {
      const status = runStatus(snap);
      throw invalid(
        `gate ${gate} of run ${runId} is ${gateStateText(snap, gate)} (run ${status}${blocked ? `, blocked at gate ${blocked}` : ''}); only a blocked gate can be re-checked.`,
      );
    }
    return [event];
  });
  const driver = (await liveOwner(log.store, runId)) ?? null;
  const hint = driver
    ? `${driver} drives the run and evaluates gate ${gate} again`
    : `gate ${gate} is evaluated again when the run continues: \`phased resume ${runId}\` (or let \`phased daemon\` pick it up)`;
  return result(log, stored, driver, hint);
}

/** Re-open failed units (and a blocked gate's phase) within what may be retried now, or re-check a blocked gate. */
export async function requestRetry(
  store: EventStore,
  runId: string,
  r: RetryRequest = {},
): Promise<ControlResult> {
  const log = await RunLog.open(store, runId, { verify: true });
  if (r.gate !== undefined) return requestGateRecheck(log, r.gate, r);
  if (r.step !== undefined && !allSteps(log.plan).some((s) => s.id === r.step)) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `--step ${r.step} is not a step of run ${runId}'s plan (steps: ${allSteps(log.plan)
        .map((s) => s.id)
        .join(', ')})`,
    );
  }
  for (const p of r.partitions ?? []) {
    if (!isCalendarDate(p)) {
      throw new PhasedError('BAD_ARGUMENT', `--partition ${p} is not a date: expected YYYY-MM-DD`);
    }
  }
  const stored = await log.commitWith(async () => {
    const event = await failedUnitsToReopen(log, r.by ?? ownerId(), {
      step: r.step,
      partitions: r.partitions,
      reason: r.reason ?? 'requested by operator',
    });
    if (!event) {
      const scope = [
        r.step && `step ${r.step}`,
        r.partitions?.length && `partitions ${r.partitions.join(', ')}`,
      ]
        .filter(Boolean)
        .join(', ');
      const blocked = blockedGate(log.snapshot);
      throw invalid(
        `run ${runId} is ${runStatus(log.snapshot)}: nothing to retry${scope ? ` in ${scope}` : ''} (no failed units that may be re-opened now).` +
          (blocked && !scope
            ? ` To evaluate gate ${blocked} again as the data stands: \`phased retry ${runId} --gate ${blocked}\`; to pass it on record: \`phased approve ${runId} --gate ${blocked} --reason TEXT\`.`
            : ''),
      );
    }
    return [event];
  });
  const driver = (await liveOwner(store, runId)) ?? null;
  const hint = driver
    ? `${driver} drives the run and picks the units up`
    : `continue it with \`phased resume ${runId}\``;
  return result(log, stored, driver, hint);
}

/** Pass a blocked gate on record: GATE_OVERRIDDEN with the operator's reason. */
export async function approveGate(
  store: EventStore,
  runId: string,
  gate: string,
  reason: string,
  by = ownerId(),
): Promise<ControlResult> {
  const log = await RunLog.open(store, runId, { verify: true });
  const gates = log.plan.phases.map((p) => p.gate.id);
  if (!gates.includes(gate)) {
    throw new PhasedError('BAD_ARGUMENT', `run ${runId} has no gate ${gate} (gates: ${gates.join(', ')})`);
  }
  if (!reason.trim())
    throw new PhasedError('BAD_ARGUMENT', 'approve needs a non-empty --reason: it goes on record');
  const event: RunEvent = { type: 'GATE_OVERRIDDEN', gate, reason, by };
  const stored = await log.commitWith((snap) => {
    if (!accepts(snap, event)) {
      const g = snap.context.gates[gate];
      throw invalid(
        `gate ${gate} of run ${runId} is ${g?.status ?? 'not reached yet'} (run ${runStatus(snap)}); only a blocked gate can be approved.`,
      );
    }
    return [event];
  });
  const driver = (await liveOwner(store, runId)) ?? null;
  const hint = driver
    ? undefined
    : `continue it with \`phased resume ${runId}\` (or let \`phased daemon\` pick it up)`;
  return result(log, stored, driver, hint);
}

export function formatControl(r: ControlResult): string {
  const lines = [`run ${r.runId}: appended ${r.appended.join(', ')}; status now ${r.status}`];
  if (r.hint) lines.push(r.hint);
  return lines.join('\n');
}
