// Control requests from the console: the CLI's own control functions (same rules, same messages), recorded with
// `by: http`. Resume appends RESUMED to a paused run; whichever process drives runs (a daemon) then picks it up.

import { PhasedError } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import {
  approveGate,
  type ControlResult,
  type RetryRequest,
  requestResume,
  requestRetry,
  requestStop,
} from '../engine/control.js';
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

export async function runControl(
  store: EventStore,
  runId: string,
  action: ControlAction,
  body: ControlRequest,
): Promise<ControlResponse> {
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
