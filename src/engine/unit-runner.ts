// Runs one unit to a final outcome: reconcile an in-doubt attempt, then attempt with retries and backoff.
// Every step is logged write-ahead through `commit`; the caller owns scheduling, caps and stopping.

import { errorInfo, type RunEvent, type StepSpec, type UnitStartReason } from '../../machines/index.js';
import type { UnitRow } from '../../store/index.js';
import type { UnitRef, Warehouse } from '../warehouse/index.js';
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
}

export type UnitOutcome = 'succeeded' | 'failed' | 'left-pending';

function ref(host: UnitHost, step: StepSpec, partition: string, attempt: number): UnitRef {
  return { runId: host.runId, step, partition, attempt, range: host.range };
}

export async function runUnit(host: UnitHost, step: StepSpec, unit: UnitRow): Promise<UnitOutcome> {
  const { partition } = unit;
  let attempt = unit.attempts;
  let reason: UnitStartReason = attempt === 0 ? 'first' : 'retry';
  if (unit.status === 'started') {
    // In doubt: started by a process that died before logging a result.
    const r = await host.wh.reconcile(ref(host, step, partition, attempt), unit.jobRef ?? undefined);
    if (r.status === 'succeeded') {
      await host.commit({
        type: 'UNIT_SUCCEEDED',
        step: step.id,
        partition,
        attempt,
        rows: r.rows,
        ms: 0,
        reconciled: true,
      });
      return 'succeeded';
    }
    reason = 'in-doubt';
  }
  const budget = step.retries + 1;
  // A lost insert answer (BigQuery 5xx) is retried under the same job id, so a 409 attaches to it.
  let reuseAttempt = false;
  for (let tries = 1; ; tries++) {
    if (host.stopping()) return 'left-pending';
    if (!reuseAttempt) attempt++;
    const unitRef = ref(host, step, partition, attempt);
    const jobRef = host.wh.jobRefFor(unitRef);
    await host.commit({
      type: 'UNIT_STARTED',
      step: step.id,
      partition,
      attempt,
      reason,
      ...(jobRef ? { jobRef } : {}),
    });
    failpoint('after-unit-started');
    const t0 = performance.now();
    try {
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
      });
      return 'succeeded';
    } catch (err) {
      const info = errorInfo(err);
      const cancelled = host.abort.aborted;
      const final = !cancelled && (!info.retryable || tries >= budget);
      const details = (err as { details?: { retryAfterMs?: number; reuseJobId?: boolean } }).details;
      const retryAfter = details?.retryAfterMs;
      reuseAttempt = details?.reuseJobId === true;
      const wait = final || cancelled ? undefined : backoffMs(tries, retryAfter);
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
      if (final) return 'failed';
      if (cancelled || wait === undefined) return 'left-pending';
      if (!(await sleep(wait, host.abort))) return 'left-pending';
      reason = 'retry';
    }
  }
}
