// The run's cost and quota counters in the machine's context: bytes and slot time billed so far, the budget
// as last changed, and each step's adaptive concurrency limit with its success streak. Pure reducers.

import type { RunEvent } from './events.js';

export interface Usage {
  bytesProcessed: number;
  bytesBilled: number;
  slotMs: number;
}

export interface OpsContext {
  usage: Usage;
  /** The budget as the latest BUDGET_CHANGED set it; undefined: the plan's own (`budget.maxBytesBilled`). */
  budget?: number | null;
  /** Current concurrency limit per step, once changed (absent: the step's configured `concurrency`). */
  limits: Record<string, number>;
  /** Successes per step since its limit last changed. */
  streak: Record<string, number>;
  /**
   * The budget's reservations: estimated bytes billed of each unit started under a budget and not yet ended,
   * by reservationKey(). In the log, so a driver that takes over counts jobs still running from before a crash.
   */
  running?: Record<string, number>;
}

/** A unit's key in OpsContext.running. */
export function reservationKey(step: string, partition: string): string {
  return `${step}\u0000${partition}`;
}

function release(cur: OpsContext, step: string, partition: string): OpsContext {
  const k = reservationKey(step, partition);
  if (cur.running === undefined || !(k in cur.running)) return cur;
  const { [k]: _, ...running } = cur.running;
  return { ...cur, running };
}

export function initialOps(): OpsContext {
  return { usage: { bytesProcessed: 0, bytesBilled: 0, slotMs: 0 }, limits: {}, streak: {} };
}

/** The ops counters after `event` (a context restored from an older snapshot has none: they start at zero). */
export function opsAfter(ops: OpsContext | undefined, event: RunEvent): OpsContext {
  const cur = ops ?? initialOps();
  switch (event.type) {
    case 'UNIT_STARTED':
      if (event.estimatedBytes === undefined) return cur;
      return {
        ...cur,
        running: { ...cur.running, [reservationKey(event.step, event.partition)]: event.estimatedBytes },
      };
    case 'UNIT_FAILED':
      return release(cur, event.step, event.partition);
    case 'UNIT_SUCCEEDED': {
      const rest = release(cur, event.step, event.partition);
      const u = rest.usage;
      return {
        ...rest,
        usage: {
          bytesProcessed: u.bytesProcessed + (event.bytesProcessed ?? 0),
          bytesBilled: u.bytesBilled + (event.bytesBilled ?? 0),
          slotMs: u.slotMs + (event.slotMs ?? 0),
        },
        streak: { ...cur.streak, [event.step]: (cur.streak[event.step] ?? 0) + 1 },
      };
    }
    case 'CONCURRENCY_CHANGED':
      return {
        ...cur,
        limits: { ...cur.limits, [event.step]: event.to },
        streak: { ...cur.streak, [event.step]: 0 },
      };
    case 'BUDGET_CHANGED':
      return { ...cur, budget: event.maxBytesBilled };
    default:
      return cur;
  }
}

/** The run's budget in bytes billed: the latest change, else the plan's; undefined when there is none. */
export function budgetOf(
  ops: OpsContext | undefined,
  plan: { budget?: { maxBytesBilled?: number } },
): number | undefined {
  if (ops?.budget !== undefined) return ops.budget ?? undefined;
  return plan.budget?.maxBytesBilled;
}
