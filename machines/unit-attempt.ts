// A unit's attempts as a decider: its state is what the log's units projection holds of it (evolveUnit folds
// its events), and decideUnit says which events a look-up's answer, a new attempt, a result or a failure
// append, and what the runner does next. Pure: the warehouse calls, commits and sleeps are the runner's
// (src/engine/unit-runner.ts); the random draw for a retry's jitter arrives in the command.

import type { CommandRecord, RunEvent, UnitErrorInfo, UnitStartReason } from './events.js';
import { type BackoffPolicies, RETRY_POLICIES, retryDelayMs } from './retry-policy.js';

export type UnitStatus = 'pending' | 'started' | 'succeeded' | 'failed';

/** A unit as the units projection holds it: the last attempt's number and job, and the latest error's code. */
export interface UnitState {
  step: string;
  partition: string;
  status: UnitStatus;
  /** The last attempt's number (0: never started). */
  attempts: number;
  /** The last attempt's job reference, when its backend gave one. */
  jobRef?: string;
  /** The latest failure's error code. */
  errorCode?: string;
}

export function initialUnit(step: string, partition: string): UnitState {
  return { step, partition, status: 'pending', attempts: 0 };
}

/** The projection's row (its `error` is the JSON of the latest failure) as a UnitState. */
export function unitFromRow(row: {
  step: string;
  partition: string;
  status: UnitStatus;
  attempts: number;
  jobRef: string | null;
  error: string | null;
}): UnitState {
  const unit: UnitState = {
    step: row.step,
    partition: row.partition,
    status: row.status,
    attempts: row.attempts,
  };
  if (row.jobRef !== null) unit.jobRef = row.jobRef;
  const code = errorCode(row.error);
  if (code !== undefined) unit.errorCode = code;
  return unit;
}

function errorCode(error: string | null): string | undefined {
  if (!error) return undefined;
  try {
    return (JSON.parse(error) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

/** Fold one logged event into the unit, as the units projection does; other units' events change nothing. */
export function evolveUnit(unit: UnitState, event: RunEvent): UnitState {
  switch (event.type) {
    // Objects are built field by field: this runs twice per unit on the hot path (no rest/spread copies).
    case 'UNIT_STARTED': {
      if (event.step !== unit.step || event.partition !== unit.partition) return unit;
      const next: UnitState = {
        step: unit.step,
        partition: unit.partition,
        status: 'started',
        attempts: event.attempt,
      };
      if (event.jobRef) next.jobRef = event.jobRef;
      if (unit.errorCode !== undefined) next.errorCode = unit.errorCode;
      return next;
    }
    case 'UNIT_SUCCEEDED': {
      if (event.step !== unit.step || event.partition !== unit.partition) return unit;
      const next: UnitState = {
        step: unit.step,
        partition: unit.partition,
        status: 'succeeded',
        attempts: event.attempt,
      };
      if (unit.jobRef !== undefined) next.jobRef = unit.jobRef;
      return next;
    }
    case 'UNIT_FAILED': {
      if (event.step !== unit.step || event.partition !== unit.partition) return unit;
      const next: UnitState = {
        step: unit.step,
        partition: unit.partition,
        status: event.final ? 'failed' : 'pending',
        attempts: event.attempt,
        errorCode: event.error.code,
      };
      if (unit.jobRef !== undefined) next.jobRef = unit.jobRef;
      return next;
    }
    case 'RETRY_REQUESTED': {
      if (unit.status !== 'failed') return unit;
      if (event.step !== undefined && event.step !== unit.step) return unit;
      if (!event.reopened.some((r) => r.step === unit.step)) return unit;
      if (event.partitions && !event.partitions.includes(unit.partition)) return unit;
      return { ...unit, status: 'pending' };
    }
    default:
      return unit;
  }
}

/**
 * What the log says of a unit's last attempt, the only thing a new attempt may be decided from (memory does not
 * survive kill -9). `open`: UNIT_STARTED with no result yet (in doubt). `lookUp`: its job may exist, so it must
 * be reconciled before any new attempt: the attempt is open, or a failure was logged for an attempt with a job
 * reference (the job may have been accepted even though its answer was lost). A failed expectation is a known
 * outcome (the job ran and its rows were judged): a retry of it runs anew. A succeeded unit is never run again.
 */
export interface LastAttempt {
  attempt: number;
  jobRef?: string;
  open: boolean;
  lookUp: boolean;
}

export function lastAttempt(unit: UnitState): LastAttempt {
  const open = unit.status === 'started';
  const jobRef = unit.jobRef;
  const lookUp =
    open ||
    (unit.status !== 'succeeded' &&
      unit.attempts > 0 &&
      jobRef !== undefined &&
      unit.errorCode !== 'EXPECTATION');
  return { attempt: unit.attempts, jobRef, open, lookUp };
}

/** Why the next attempt starts: the first, after an attempt left in doubt, or after a failure. */
export function startReason(unit: UnitState): UnitStartReason {
  if (unit.attempts === 0) return 'first';
  return unit.status === 'started' ? 'in-doubt' : 'retry';
}

/** The backend's answer on the last attempt's job (the warehouse's ReconcileResult). */
export type LookUpAnswer =
  | { status: 'succeeded'; rows: number }
  | { status: 'failed'; error: UnitErrorInfo }
  | { status: 'not-found' }
  | { status: 'unknown' };

export type UnitCommand =
  /** The backend found the last attempt's job alive (not failed) and waits on it. */
  | { type: 'attached' }
  /** The look-up's answer. */
  | { type: 'looked-up'; answer: LookUpAnswer }
  /** Begin a new attempt, with the job reference its backend will use (if any). */
  | { type: 'start'; jobRef?: string }
  /** The attempt's write is committed in the warehouse. */
  | { type: 'materialized'; rows: number; ms: number; command?: CommandRecord }
  /**
   * The attempt (or the look-up) failed. `tries`: failures this runner has seen, this one included; `retries`:
   * the step's budget of further attempts; `draw`: a number in [0, 1) for the wait's jitter.
   */
  | {
      type: 'failed';
      error: UnitErrorInfo;
      tries: number;
      retries: number;
      cancelled: boolean;
      draw: number;
      policies?: BackoffPolicies;
    };

/** What the runner does after appending a decision's events. */
export type UnitNext =
  | { do: 'attempt' }
  | { do: 'run' }
  | { do: 'wait'; ms: number }
  | { do: 'stop'; outcome: 'succeeded' | 'failed' | 'left-pending' };

export interface UnitDecision {
  events: RunEvent[];
  next: UnitNext;
}

const stop = (outcome: 'succeeded' | 'failed' | 'left-pending'): UnitNext => ({ do: 'stop', outcome });

export function decideUnit(command: UnitCommand, unit: UnitState): UnitDecision {
  const { step, partition } = unit;
  const last = lastAttempt(unit);
  const inDoubt = (): RunEvent[] =>
    last.open
      ? []
      : [
          {
            type: 'UNIT_STARTED',
            step,
            partition,
            attempt: last.attempt,
            reason: 'in-doubt',
            ...(last.jobRef ? { jobRef: last.jobRef } : {}),
          },
        ];
  switch (command.type) {
    case 'attached':
      // The job exists and has not failed: the log says the attempt is in doubt again before waiting on it.
      return { events: inDoubt(), next: { do: 'run' } };
    case 'looked-up': {
      const a = command.answer;
      if (a.status === 'succeeded') {
        const ok: RunEvent = {
          type: 'UNIT_SUCCEEDED',
          step,
          partition,
          attempt: last.attempt,
          rows: a.rows,
          ms: 0,
          reconciled: true,
        };
        return { events: [...inDoubt(), ok], next: stop('succeeded') };
      }
      if (a.status === 'failed' && last.open) {
        // The open attempt's job failed (it wrote nothing): its failure is logged, then a new attempt follows.
        const failed: RunEvent = {
          type: 'UNIT_FAILED',
          step,
          partition,
          attempt: last.attempt,
          error: a.error,
          final: false,
        };
        return { events: [failed], next: { do: 'attempt' } };
      }
      // not-found: the job never existed; unknown: the backend cannot tell and re-running is idempotent;
      // failed with its failure already logged. In each case a new attempt is safe.
      return { events: [], next: { do: 'attempt' } };
    }
    case 'start': {
      const started: RunEvent = {
        type: 'UNIT_STARTED',
        step,
        partition,
        attempt: last.attempt + 1,
        reason: startReason(unit),
        ...(command.jobRef ? { jobRef: command.jobRef } : {}),
      };
      return { events: [started], next: { do: 'run' } };
    }
    case 'materialized': {
      const ok: RunEvent = {
        type: 'UNIT_SUCCEEDED',
        step,
        partition,
        attempt: last.attempt,
        rows: command.rows,
        ms: command.ms,
        ...(command.command ? { command: command.command } : {}),
      };
      return { events: [ok], next: stop('succeeded') };
    }
    case 'failed': {
      const { error, tries, retries, cancelled } = command;
      const final = !cancelled && (!error.retryable || tries >= retries + 1);
      const retryAfterMs = error.details?.retryAfterMs;
      const wait =
        final || cancelled
          ? undefined
          : retryDelayMs(
              tries,
              { code: error.code, ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}) },
              command.policies ?? RETRY_POLICIES,
              command.draw,
            );
      const failed: RunEvent = {
        type: 'UNIT_FAILED',
        step,
        partition,
        attempt: last.attempt,
        error,
        final,
        ...(wait === undefined ? {} : { retryInMs: wait }),
      };
      const next = final
        ? stop('failed')
        : wait === undefined
          ? stop('left-pending')
          : { do: 'wait' as const, ms: wait };
      return { events: [failed], next };
    }
  }
}
