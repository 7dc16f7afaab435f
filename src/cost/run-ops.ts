// The driver's cost and quota hooks for one run: the budget guard, the per-step adaptive limits, and the
// events decided from the run's own events (CONCURRENCY_CHANGED, notifications). Decisions are pure
// (machines/aimd.ts, budget.ts, notify.ts); this class holds the in-process parts and the log's view.

import {
  allSteps,
  budgetOf,
  decideConcurrency,
  type RunEvent,
  type RunSnapshot,
  stepLimit,
} from '../../machines/index.js';
import type { RunLog } from '../engine/run-log.js';
import type { WarehouseReads } from '../warehouse/index.js';
import { BudgetGuard } from './budget-guard.js';
import { StepLimiter } from './step-limiter.js';

export class RunOps {
  readonly guard: BudgetGuard;
  readonly limiter: StepLimiter;
  private readonly configured: Map<string, number>;
  /** More follow-up deciders (notifications). */
  readonly deciders: ((event: RunEvent, snap: RunSnapshot, seq: number) => RunEvent[])[] = [];

  constructor(
    private readonly log: RunLog,
    wh: WarehouseReads,
  ) {
    const plan = log.plan;
    this.configured = new Map(allSteps(plan).map((s) => [s.id, s.concurrency]));
    const planCap =
      plan.warehouse.kind === 'bigquery' && plan.warehouse.maximumBytesBilled
        ? Number(plan.warehouse.maximumBytesBilled)
        : undefined;
    this.guard = new BudgetGuard(
      wh,
      () => budgetOf(log.snapshot.context.ops, plan),
      () => log.snapshot.context.ops?.usage.bytesBilled ?? 0,
      planCap,
      () => log.snapshot.context.ops?.running,
    );
    this.limiter = new StepLimiter((step) =>
      stepLimit(log.snapshot.context.ops, step, this.configured.get(step) ?? 1),
    );
  }

  /** Events decided from one of this process's own events, appended in the same transaction. */
  followUps(event: RunEvent, snap: RunSnapshot, seq: number): RunEvent[] {
    const out: RunEvent[] = [];
    if (event.type === 'UNIT_FAILED' || event.type === 'UNIT_SUCCEEDED') {
      out.push(...decideConcurrency(snap.context.ops, event, this.configured.get(event.step) ?? 1));
    }
    for (const d of this.deciders) out.push(...d(event, snap, seq));
    return out;
  }

  /** Every durable event of the run (own and other processes'). */
  observe(event: RunEvent): void {
    this.guard.observe(event);
    if (event.type === 'CONCURRENCY_CHANGED') this.limiter.wake();
  }

  /** BUDGET_CHANGED when `maxBytesBilled` differs from the run's budget now; nothing otherwise. */
  budgetChange(maxBytesBilled: number | undefined, by: string, reason: string): RunEvent[] {
    if (maxBytesBilled === undefined) return [];
    const from = budgetOf(this.log.snapshot.context.ops, this.log.plan) ?? null;
    if (from === maxBytesBilled) return [];
    return [{ type: 'BUDGET_CHANGED', maxBytesBilled, from, by, reason }];
  }
}
