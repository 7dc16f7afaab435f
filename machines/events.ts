// The audit vocabulary: one discriminated union of every event the log can hold.
// The log stores `type` in its own column and the rest of the object as `data`.

import type { BudgetFigures, OpsEvent } from './ops-events.js';
import { OPS_EVENT_TYPES } from './ops-events.js';
import type { CheckResult, GateReport, StepBaseline } from './report.js';

/** A command step's process, as its UNIT_SUCCEEDED (and its UNIT_FAILED error's details) record it. */
export interface CommandRecord {
  /** The process (and process group) id; absent when the process could not be started. */
  pid?: number;
  /** Its exit status; null when it was killed by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended it (a timeout or cancel kills its group), if any. */
  signal?: string | null;
  /** The attempt's output: `<logs>/<run>/<step>/<partition>.log`. */
  log: string;
}

export interface UnitErrorInfo {
  code: string;
  message: string;
  retryable: boolean;
  /**
   * The failure's particulars as the backend gave them: a command step's CommandRecord fields; for BigQuery the
   * job id, reasons, HTTP status and any retry hint.
   */
  details?: Partial<CommandRecord> & Record<string, unknown>;
}

export type UnitStartReason = 'first' | 'retry' | 'in-doubt';

/**
 * `new`: the run's first driver (`phased run`); `resume`: `phased resume`; `daemon`: the daemon picked the run up;
 * `takeover`: the lease was taken from a driver that never detached (killed, or hung past its lease).
 */
export type AttachReason = 'new' | 'resume' | 'takeover' | 'daemon';

export interface ActorInfo {
  by: string;
  reason?: string;
}

export type RunEvent =
  | {
      type: 'RUN_CREATED';
      runId: string;
      planName: string;
      planHash: string;
      range: { start: string; end: string };
      machineVersion: string;
      refill: 'missing' | 'all';
    }
  | { type: 'PREREQS_PASSED'; checks: CheckResult[] }
  | { type: 'PREREQS_FAILED'; checks: CheckResult[] }
  | {
      type: 'BASELINE_RECORDED';
      partitions: number;
      steps: StepBaseline[];
      /** The expected partitions, written as `toRun` is (runs of days as `first..last`); absent in older logs. */
      dates?: string[];
    }
  | {
      type: 'UNIT_STARTED';
      step: string;
      partition: string;
      attempt: number;
      reason: UnitStartReason;
      jobRef?: string;
      /** With a budget: the bytes the unit's dry run says it will bill, and the job's maximumBytesBilled. */
      estimatedBytes?: number;
      maxBytesBilled?: number;
    }
  | {
      type: 'UNIT_SUCCEEDED';
      step: string;
      partition: string;
      attempt: number;
      rows: number;
      ms: number;
      /** The backend found the in-doubt attempt already finished; nothing was re-run. */
      reconciled?: boolean;
      /** Command steps: the process that wrote the partition. */
      command?: CommandRecord;
      /** BigQuery: the job's statistics. */
      bytesProcessed?: number;
      bytesBilled?: number;
      slotMs?: number;
    }
  | {
      type: 'UNIT_FAILED';
      step: string;
      partition: string;
      attempt: number;
      error: UnitErrorInfo;
      /** No attempt follows: the unit counts as failed for its step. */
      final: boolean;
      /** Wait before the next attempt, when not final. */
      retryInMs?: number;
    }
  | { type: 'GATE_PASSED'; gate: string; report: GateReport }
  | { type: 'GATE_FAILED'; gate: string; report: GateReport }
  | { type: 'GATE_OVERRIDDEN'; gate: string; reason: string; by: string }
  | ({ type: 'PAUSE_REQUESTED' } & ActorInfo)
  | ({ type: 'PAUSED'; budget?: BudgetFigures } & ActorInfo)
  | ({ type: 'RESUMED' } & ActorInfo)
  | ({ type: 'CANCEL_REQUESTED' } & ActorInfo)
  | ({ type: 'CANCELLED' } & ActorInfo)
  | ({
      type: 'RETRY_REQUESTED';
      step?: string;
      partitions?: string[];
      /** Failed units put back to pending, per step (computed from the units projection). */
      reopened: { step: string; count: number }[];
      /**
       * The blocked gate this retry re-opens: with units re-opened its phase runs them first; with none
       * (`phased retry RUN --gate ID`) the gate is evaluated again as the data stands.
       */
      gate?: string;
    } & ActorInfo)
  | ({ type: 'PLAN_CHANGE_ACCEPTED'; oldHash: string; newHash: string; changes: string[] } & ActorInfo)
  | {
      type: 'DRIVER_ATTACHED';
      pid: number;
      host: string;
      version: string;
      /** Why this driver attached (absent in logs written before it was recorded). */
      reason?: AttachReason;
      /** On a takeover: the lease owner (`pid@host`) that never detached. */
      from?: string;
    }
  | { type: 'DRIVER_DETACHED'; pid: number; host: string; version: string; reason: string }
  | { type: 'RUN_SUCCEEDED'; summary: Record<string, { done: number; failed: number; total: number }> }
  | { type: 'RUN_FAILED'; reason: string }
  | OpsEvent;

export type RunEventType = RunEvent['type'];

export type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

/** Every event type, in a fixed order (for validation of stored rows and for docs). */
export const EVENT_TYPES: readonly RunEventType[] = [
  'RUN_CREATED',
  'PREREQS_PASSED',
  'PREREQS_FAILED',
  'BASELINE_RECORDED',
  'UNIT_STARTED',
  'UNIT_SUCCEEDED',
  'UNIT_FAILED',
  'GATE_PASSED',
  'GATE_FAILED',
  'GATE_OVERRIDDEN',
  'PAUSE_REQUESTED',
  'PAUSED',
  'RESUMED',
  'CANCEL_REQUESTED',
  'CANCELLED',
  'RETRY_REQUESTED',
  'PLAN_CHANGE_ACCEPTED',
  'DRIVER_ATTACHED',
  'DRIVER_DETACHED',
  'RUN_SUCCEEDED',
  'RUN_FAILED',
  ...OPS_EVENT_TYPES,
];

/** Split an event into the log's `type` column and its `data` payload. */
export function eventData(event: RunEvent): Record<string, unknown> {
  const { type: _type, ...data } = event;
  return data;
}

/** Rebuild an event from the log's columns. */
export function eventFromRow(type: string, data: string | Record<string, unknown>): RunEvent {
  const payload = typeof data === 'string' ? (JSON.parse(data) as Record<string, unknown>) : data;
  return { ...payload, type } as RunEvent;
}
