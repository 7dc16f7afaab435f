// Control requests from the console: the CLI's own control functions (same rules, same messages), recorded with
// `by: http`. Resume appends RESUMED to a paused run; whichever process drives runs (a daemon) then picks it up.

import { accepts, PhasedError, type RunEvent, runStatus } from '../../machines/index.js';
import { type EventStore, SqliteEventStore, type SqliteStore } from '../../store/index.js';
import {
  approveGate,
  type ControlResult,
  type RetryRequest,
  requestRetry,
  requestStop,
} from '../daemon/control.js';
import { liveOwner, RunLog } from '../engine/index.js';
import type { ControlAction, ControlRequest, ControlResponse, RunStatus } from './api-types.js';

export const CONTROL_ACTIONS: readonly ControlAction[] = ['pause', 'resume', 'cancel', 'retry', 'approve'];
export const HTTP_ACTOR = 'http';

function badBody(message: string): PhasedError {
  return new PhasedError('BAD_ARGUMENT', message);
}

/** Validate a parsed JSON body: only the documented keys, with their types. */
export function parseControlBody(body: unknown): ControlRequest {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badBody('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!['reason', 'step', 'partitions', 'gate'].includes(k)) {
      throw badBody(`unknown key ${JSON.stringify(k)} in the body (expected reason, step, partitions, gate)`);
    }
  }
  for (const k of ['reason', 'step', 'gate'] as const) {
    if (b[k] !== undefined && typeof b[k] !== 'string') throw badBody(`${k} must be a string`);
  }
  if (
    b.partitions !== undefined &&
    (!Array.isArray(b.partitions) || b.partitions.some((p) => typeof p !== 'string'))
  ) {
    throw badBody('partitions must be an array of YYYY-MM-DD strings');
  }
  return b as ControlRequest;
}

async function requestResume(
  store: EventStore,
  runId: string,
  reason: string,
  by: string,
): Promise<ControlResult> {
  const log = await RunLog.open(store, runId, { verify: true });
  const event: RunEvent = { type: 'RESUMED', by, reason };
  const stored = await log.commitWith((snap) => {
    if (!accepts(snap, event)) {
      throw new PhasedError(
        'INVALID_COMMAND',
        `run ${runId} is ${runStatus(snap)}; only a paused run can be resumed.`,
      );
    }
    return [event];
  });
  const driver = (await liveOwner(store, runId)) ?? null;
  return {
    runId,
    appended: stored.map((e) => e.type),
    seqs: stored.map((e) => e.seq),
    status: runStatus(log.snapshot),
    driver,
    hint: driver
      ? undefined
      : `a running \`phased daemon\` picks it up, or continue it with \`phased resume ${runId}\``,
  };
}

export async function runControl(
  sync: SqliteStore,
  runId: string,
  action: ControlAction,
  body: ControlRequest,
): Promise<ControlResponse> {
  const store = new SqliteEventStore(sync);
  const reason = body.reason?.trim() || 'requested from the console';
  let r: ControlResult;
  switch (action) {
    case 'pause':
    case 'cancel':
      r = await requestStop(store, runId, action, reason, HTTP_ACTOR);
      break;
    case 'resume':
      r = await requestResume(store, runId, reason, HTTP_ACTOR);
      break;
    case 'retry': {
      // `gate` re-checks a blocked gate where the control module supports it.
      const req = { step: body.step, partitions: body.partitions, reason, by: HTTP_ACTOR } as RetryRequest;
      if (body.gate !== undefined) Object.assign(req, { gate: body.gate });
      r = await requestRetry(store, runId, req);
      break;
    }
    case 'approve':
      if (!body.gate) throw badBody('approve needs "gate": the id of the blocked gate to pass');
      if (!body.reason?.trim()) throw badBody('approve needs a non-empty "reason": it goes on record');
      r = await approveGate(store, runId, body.gate, body.reason, HTTP_ACTOR);
      break;
  }
  return {
    runId,
    action,
    appended: r.appended,
    seqs: r.seqs,
    status: r.status as RunStatus,
    driver: r.driver,
    ...(r.hint ? { hint: r.hint } : {}),
  };
}
