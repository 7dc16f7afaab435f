// Budget decisions: what a unit will bill by BigQuery's on-demand rules, the cap its job carries, and whether
// it may start given what was billed and what is running. Pure; the driver's budget guard asks before a start.

import type { RunEvent } from './events.js';
import type { BudgetFigures } from './ops-events.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** Each job's maximumBytesBilled is its estimate × this margin (at least JOB_CAP_FLOOR). */
export const JOB_CAP_MARGIN = 1.5;
/** The lowest per-job cap: well above BigQuery's 10 MB minimum per table a query reads. */
export const JOB_CAP_FLOOR = GIB;

/**
 * Bytes a query processing `processed` bytes is billed on demand: rounded up to the next MB, at least 10 MB
 * (per table read; the estimate assumes one, the least a query reads).
 */
export function billedEstimate(processed: number): number {
  return Math.max(Math.ceil(processed / MIB) * MIB, 10 * MIB);
}

/** The maximumBytesBilled a unit's job carries: its estimate × the margin, never under the floor. */
export function jobCap(estimatedBilled: number, planCap?: number): number {
  const cap = Math.max(Math.ceil(estimatedBilled * JOB_CAP_MARGIN), JOB_CAP_FLOOR);
  return planCap !== undefined ? Math.min(cap, planCap) : cap;
}

export type BudgetDecision = { admit: true } | { admit: false; figures: BudgetFigures };

/** May the next unit start? Not when billed + running estimates + its own estimate would pass the budget. */
export function decideBudget(input: {
  maxBytesBilled: number;
  bytesBilled: number;
  runningEstimate: number;
  next: { step: string; partition: string; estimatedBytes: number };
}): BudgetDecision {
  const total = input.bytesBilled + input.runningEstimate + input.next.estimatedBytes;
  if (total <= input.maxBytesBilled) return { admit: true };
  return { admit: false, figures: { ...input } };
}

/**
 * A unit was refused and nothing is in flight any more: pause only if it still would pass the budget with the
 * figures as they stand now (a failed attempt frees its reservation, a unit may bill less than estimated, the
 * budget may have been raised). The PAUSED event carries those figures, so billed + running + next > budget
 * and budgetNeeded() is above it; undefined means the refused unit fits now and units start again.
 */
export function decideBudgetPause(
  now: { maxBytesBilled: number | undefined; bytesBilled: number; runningEstimate: number },
  refused: BudgetFigures['next'],
  by: string,
): Extract<RunEvent, { type: 'PAUSED' }> | undefined {
  if (now.maxBytesBilled === undefined) return undefined;
  const d = decideBudget({
    maxBytesBilled: now.maxBytesBilled,
    bytesBilled: now.bytesBilled,
    runningEstimate: now.runningEstimate,
    next: refused,
  });
  if (d.admit) return undefined;
  return { type: 'PAUSED', by, reason: 'budget', budget: d.figures };
}

/** The least budget that admits the refused unit: billed + running estimates + its own estimate. */
export function budgetNeeded(f: BudgetFigures): number {
  return f.bytesBilled + f.runningEstimate + f.next.estimatedBytes;
}
