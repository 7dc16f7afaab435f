// Adaptive concurrency per step (AIMD): a rate-limit, quota or too-many-DML failure halves the step's limit
// (never below 1); every RECOVER_AFTER successes since the last change add one, up to the configured
// concurrency. Pure: the driver asks after each unit outcome and logs CONCURRENCY_CHANGED.

import type { RunEvent, UnitErrorInfo } from './events.js';
import type { OpsContext } from './ops.js';

/** Successes since the last change before a step's limit grows by one. */
export const RECOVER_AFTER = 5;

/**
 * Why a failure slows its step, or undefined when it does not. A backend names a cause of its own in the error's
 * `details.throttle` (BigQuery: `tooManyDml`, from the job's reason and message); else quota and rate-limit codes.
 */
export function throttleCause(error: UnitErrorInfo): string | undefined {
  if (error.details?.throttle === 'tooManyDml') return 'tooManyDml';
  if (error.code === 'QUOTA') return 'quotaExceeded';
  if (error.code === 'RATE_LIMIT') return 'rateLimitExceeded';
  return undefined;
}

/** The step's limit now: the last change, else its configured concurrency. */
export function stepLimit(ops: OpsContext | undefined, step: string, configured: number): number {
  return ops?.limits[step] ?? configured;
}

/**
 * The CONCURRENCY_CHANGED a unit outcome causes, given the ops counters *after* that outcome was applied.
 * `configured` is the step's plan concurrency (the ceiling).
 */
export function decideConcurrency(
  ops: OpsContext | undefined,
  event: RunEvent,
  configured: number,
  recoverAfter = RECOVER_AFTER,
): RunEvent[] {
  if (event.type === 'UNIT_FAILED') {
    const cause = throttleCause(event.error);
    const from = stepLimit(ops, event.step, configured);
    if (!cause || from <= 1) return [];
    const to = Math.max(1, Math.floor(from / 2));
    return [{ type: 'CONCURRENCY_CHANGED', step: event.step, from, to, cause, partition: event.partition }];
  }
  if (event.type === 'UNIT_SUCCEEDED') {
    const from = stepLimit(ops, event.step, configured);
    if (from >= configured || (ops?.streak[event.step] ?? 0) < recoverAfter) return [];
    return [
      {
        type: 'CONCURRENCY_CHANGED',
        step: event.step,
        from,
        to: from + 1,
        cause: 'recovered',
        partition: event.partition,
      },
    ];
  }
  return [];
}
