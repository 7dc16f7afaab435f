// Runs one unit to a final outcome: the I/O of its attempts (look-ups, writes, commits, retry sleeps). What to
// append and what to do next is decided in machines/unit-attempt.ts; every step is logged write-ahead through
// `commit`. The caller owns scheduling and caps.

import {
  decideUnit,
  errorInfo,
  evolveUnit,
  type LastAttempt,
  lastAttempt as lastAttemptOf,
  type RunEvent,
  type StepSpec,
  unitFromRow,
} from '../../machines/index.js';
import type { UnitRow } from '../../store/index.js';
import type { MaterializeResult, UnitBackend, UnitRef } from '../warehouse/index.js';
import { PROCESS_RETRY_POLICIES, sleep } from './backoff.js';

/** A budget guard's answer for a new attempt: its estimate and its job's cap, or refused (no start). */
export type Admission = { estimatedBytes: number; maxBytesBilled: number } | 'refused' | undefined;

import { failpoint } from './failpoints.js';

export interface UnitHost {
  runId: string;
  range: { start: string; end: string };
  /** The unit backend of the step being run. */
  wh: UnitBackend;
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

/** The unit's last attempt as the units projection holds it (see machines/unit-attempt.ts). */
export function lastAttempt(unit: UnitRow): LastAttempt {
  return lastAttemptOf(unitFromRow(unit));
}

function ref(host: UnitHost, step: StepSpec, partition: string, attempt: number): UnitRef {
  return { runId: host.runId, step, partition, attempt, range: host.range };
}

export async function runUnit(host: UnitHost, step: StepSpec, unit: UnitRow): Promise<UnitOutcome> {
  const { partition } = unit;
  // The unit as the log holds it, folded forward with every event this runner appends: each decision below is
  // taken from it alone, as a resume after kill -9 would take it.
  let state = unitFromRow(unit);
  const now = async (events: RunEvent[]) => {
    for (const e of events) {
      await host.commit(e);
      state = evolveUnit(state, e);
    }
  };
  const later = (events: RunEvent[]) => {
    for (const e of events) {
      host.commitLater(e);
      state = evolveUnit(state, e);
    }
  };
  for (let tries = 1; ; tries++) {
    if (host.stopping()) return 'left-pending';
    try {
      const last = lastAttemptOf(state);
      if (last.lookUp) {
        failpoint('before-reconcile');
        let stats: MaterializeResult['stats'];
        const answer = await host.wh.reconcile(ref(host, step, partition, last.attempt), last.jobRef, {
          signal: host.abort,
          stats: (s) => {
            stats = s;
          },
          attached: () => now(decideUnit({ type: 'attached' }, state).events),
        });
        const looked = decideUnit({ type: 'looked-up', answer }, state);
        // A job found done reports its statistics (bytes, slot time) with its UNIT_SUCCEEDED.
        await now(looked.events.map((e) => (e.type === 'UNIT_SUCCEEDED' ? { ...e, ...stats } : e)));
        if (looked.next.do === 'stop') return looked.next.outcome;
      }
      const admission = host.admit
        ? await host.admit(ref(host, step, partition, state.attempts + 1))
        : undefined;
      if (admission === 'refused') return 'left-pending';
      const unitRef: UnitRef = {
        ...ref(host, step, partition, state.attempts + 1),
        ...(admission ? { maxBytesBilled: admission.maxBytesBilled } : {}),
      };
      const start = decideUnit({ type: 'start', jobRef: host.wh.jobRefFor(unitRef) }, state).events;
      // The budget guard's estimate and the job's cap are on record with the attempt they admitted.
      await now(start.map((e) => (e.type === 'UNIT_STARTED' && admission ? { ...e, ...admission } : e)));
      failpoint('after-unit-started');
      const t0 = performance.now();
      const res = await host.wh.materialize(unitRef, host.abort);
      failpoint('after-warehouse-commit');
      const ms = Math.round(res.ms ?? performance.now() - t0);
      const done = decideUnit(
        { type: 'materialized', rows: res.rows, ms, command: res.command },
        state,
      ).events;
      later(done.map((e) => (e.type === 'UNIT_SUCCEEDED' ? { ...e, ...res.stats } : e)));
      return 'succeeded';
    } catch (err) {
      // The attempt (a new one, or the one being looked up) failed, or its job's state could not be learnt.
      const failed = decideUnit(
        {
          type: 'failed',
          error: errorInfo(err),
          tries,
          retries: step.retries,
          cancelled: host.abort.aborted,
          draw: Math.random(),
          policies: PROCESS_RETRY_POLICIES,
        },
        state,
      );
      // A final failure frees the unit's slot without waiting for its commit; any other is durable first.
      const next = failed.next;
      if (next.do === 'stop' && next.outcome === 'failed') later(failed.events);
      else await now(failed.events);
      if (next.do !== 'wait') return next.do === 'stop' ? next.outcome : 'left-pending';
      failpoint('in-retry-wait');
      if (!(await sleep(next.ms, host.abort))) return 'left-pending';
      await host.requeue?.();
    }
  }
}
