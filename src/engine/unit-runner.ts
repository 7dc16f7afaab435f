// Runs one unit to a final outcome: look up its last attempt's job when there may be one, then attempt with
// retries and backoff. Every step is logged write-ahead through `commit`; the caller owns scheduling and caps.

import {
  errorInfo,
  type RunEvent,
  type StepSpec,
  UnitError,
  type UnitStartReason,
} from '../../machines/index.js';
import type { UnitRow } from '../../store/index.js';
import type { MaterializeResult, UnitRef, Warehouse } from '../warehouse/index.js';

/** A budget guard's answer for a new attempt: its estimate and its job's cap, or refused (no start). */
export type Admission = { estimatedBytes: number; maxBytesBilled: number } | 'refused' | undefined;

import { backoffMs, sleep } from './backoff.js';
import { failpoint } from './failpoints.js';

export interface UnitHost {
  runId: string;
  range: { start: string; end: string };
  wh: Warehouse;
  /** Durably append (group-committed with whatever else arrives in the same turn). */
  commit(event: RunEvent): Promise<void>;
  /**
   * Queue a unit's final event without waiting for it to be durable, freeing the unit's slot one commit sooner.
   * Safe: the queue is ordered, so it is durable no later than the next unit's UNIT_STARTED, before which no
   * work begins; and the driver flushes the queue before it reads state again.
   */
  commitLater(event: RunEvent): void;
  /** True once no new attempt may begin (pause, cancel, signal). */
  stopping(): boolean;
  /** Aborted on cancel: in-flight work should stop. */
  abort: AbortSignal;
  /** With a budget: asked before each new attempt (the cost hooks, src/cost/budget-guard.ts). */
  admit?(unit: UnitRef): Promise<Admission>;
  /** Before a retry: give the step's slot back and wait for room under its (adaptive) limit again. */
  requeue?(): Promise<void>;
}

export type UnitOutcome = 'succeeded' | 'failed' | 'left-pending';

/**
 * What the log says of a unit's last attempt, the only thing a new attempt may be decided from (memory does not
 * survive kill -9). `open`: UNIT_STARTED with no result yet (in doubt). `lookUp`: its job may exist, so it must
 * be reconciled before any new attempt: the attempt is open, or a failure was logged for an attempt with a job
 * reference (the job may have been accepted even though its answer was lost). A failed expectation is a known
 * outcome (the job ran and its rows were judged): a retry of it runs anew.
 */
interface LastAttempt {
  attempt: number;
  jobRef?: string;
  open: boolean;
  lookUp: boolean;
}

function errorCode(error: string | null): string | undefined {
  if (!error) return undefined;
  try {
    return (JSON.parse(error) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

/** The unit's last attempt as the units projection holds it. */
export function lastAttempt(unit: UnitRow): LastAttempt {
  const open = unit.status === 'started';
  const jobRef = unit.jobRef ?? undefined;
  const lookUp =
    open || (unit.attempts > 0 && jobRef !== undefined && errorCode(unit.error) !== 'EXPECTATION');
  return { attempt: unit.attempts, jobRef, open, lookUp };
}

function ref(host: UnitHost, step: StepSpec, partition: string, attempt: number): UnitRef {
  return { runId: host.runId, step, partition, attempt, range: host.range };
}

export async function runUnit(host: UnitHost, step: StepSpec, unit: UnitRow): Promise<UnitOutcome> {
  const { partition } = unit;
  const last = lastAttempt(unit);
  let { attempt, jobRef, open, lookUp } = last;
  let reason: UnitStartReason = attempt === 0 ? 'first' : open ? 'in-doubt' : 'retry';
  const started = (a: number, why: UnitStartReason, job?: string, adm?: Admission): RunEvent => ({
    type: 'UNIT_STARTED',
    step: step.id,
    partition,
    attempt: a,
    reason: why,
    ...(job ? { jobRef: job } : {}),
    ...(adm && adm !== 'refused' ? adm : {}),
  });
  const budget = step.retries + 1;
  for (let tries = 1; ; tries++) {
    if (host.stopping()) return 'left-pending';
    try {
      if (lookUp) {
        failpoint('before-reconcile');
        let stats: MaterializeResult['stats'];
        const r = await host.wh.reconcile(ref(host, step, partition, attempt), jobRef, {
          signal: host.abort,
          stats: (s) => {
            stats = s;
          },
          // The job exists and has not failed: the log says the attempt is in doubt again before waiting on it.
          attached: async () => {
            if (open) return;
            await host.commit(started(attempt, 'in-doubt', jobRef));
            open = true;
          },
        });
        if (r.status === 'succeeded') {
          if (!open) await host.commit(started(attempt, 'in-doubt', jobRef));
          const ok: RunEvent = {
            type: 'UNIT_SUCCEEDED',
            step: step.id,
            partition,
            attempt,
            rows: r.rows,
            ms: 0,
            reconciled: true,
            ...stats,
          };
          await host.commit(ok);
          return 'succeeded';
        }
        if (r.status === 'failed' && open) {
          // The open attempt's job failed (it wrote nothing): its failure is logged, then a new attempt follows.
          await host.commit({
            type: 'UNIT_FAILED',
            step: step.id,
            partition,
            attempt,
            error: r.error,
            final: false,
          });
          reason = 'retry';
        }
        // not-found: the job never existed; unknown: the backend cannot tell and re-running is idempotent;
        // failed with its failure already logged. In each case a new attempt is safe.
        lookUp = false;
        open = false;
      }
      const admission = host.admit ? await host.admit(ref(host, step, partition, attempt + 1)) : undefined;
      if (admission === 'refused') return 'left-pending';
      attempt++;
      const unitRef: UnitRef = {
        ...ref(host, step, partition, attempt),
        ...(admission ? { maxBytesBilled: admission.maxBytesBilled } : {}),
      };
      jobRef = host.wh.jobRefFor(unitRef);
      await host.commit(started(attempt, reason, jobRef, admission));
      open = true;
      failpoint('after-unit-started');
      const t0 = performance.now();
      const res = await host.wh.materialize(unitRef, host.abort);
      failpoint('after-warehouse-commit');
      const ms = Math.round(res.ms ?? performance.now() - t0);
      host.commitLater({
        type: 'UNIT_SUCCEEDED',
        step: step.id,
        partition,
        attempt,
        rows: res.rows,
        ms,
        ...(res.command ? { command: res.command } : {}),
        ...res.stats,
      });
      return 'succeeded';
    } catch (err) {
      // The attempt (a new one, or the one being looked up) failed, or its job's state could not be learnt.
      const info = errorInfo(err);
      const cancelled = host.abort.aborted;
      const final = !cancelled && (!info.retryable || tries >= budget);
      const retryAfterMs = (err as { details?: { retryAfterMs?: number } } | null)?.details?.retryAfterMs;
      const wait = final || cancelled ? undefined : backoffMs(tries, { code: info.code, retryAfterMs });
      const failed: RunEvent = {
        type: 'UNIT_FAILED',
        step: step.id,
        partition,
        attempt,
        error: info,
        final,
        ...(wait === undefined ? {} : { retryInMs: wait }),
      };
      if (final) host.commitLater(failed);
      else await host.commit(failed);
      // From here on the log says: attempt failed, job `jobRef` (if any) to be looked up before the next one.
      open = false;
      lookUp = jobRef !== undefined && !(err instanceof UnitError && err.code === 'EXPECTATION');
      if (final) return 'failed';
      if (cancelled || wait === undefined) return 'left-pending';
      failpoint('in-retry-wait');
      if (!(await sleep(wait, host.abort))) return 'left-pending';
      await host.requeue?.();
      reason = 'retry';
    }
  }
}
