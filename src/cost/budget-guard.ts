// The budget guard: before a BigQuery unit starts, dry-run its SQL, reserve its estimated bytes billed and
// give its job a maximumBytesBilled; refuse (and hold the refused unit for the pause decision) when the pure
// decision in machines/budget.ts says billed + running + this unit would pass the budget.

import {
  type BudgetFigures,
  billedEstimate,
  decideBudget,
  decideBudgetPause,
  jobCap,
  parseBytes,
  type RunEvent,
} from '../../machines/index.js';
import type { Admission } from '../engine/unit-runner.js';
import { isBigQueryWarehouse, type UnitRef, unitParams, type WarehouseReads } from '../warehouse/index.js';

const key = (step: string, partition: string) => `${step}\u0000${partition}`;

export class BudgetGuard {
  /**
   * Set once a unit was refused: no unit starts; when the in-flight ones are done, pauseEvent() decides again
   * whether the run pauses.
   */
  blocked?: BudgetFigures;
  private readonly running = new Map<string, number>();
  /** The largest estimate seen per step: used when a unit's own dry run cannot be had. */
  private readonly largest = new Map<string, number>();

  constructor(
    private readonly wh: WarehouseReads,
    private readonly budget: () => number | undefined,
    private readonly billed: () => number,
    private readonly planCap?: number,
  ) {}

  get runningEstimate(): number {
    let n = 0;
    for (const v of this.running.values()) n += v;
    return n;
  }

  async admit(unit: UnitRef): Promise<Admission> {
    const max = this.budget();
    const wh = this.wh;
    if (max === undefined || !isBigQueryWarehouse(wh) || !unit.step.sql) return undefined;
    if (this.blocked) return 'refused';
    const estimatedBytes = await this.estimate(unit, (sql, p) => wh.dryRun(sql, p));
    if (this.blocked) return 'refused';
    const d = decideBudget({
      maxBytesBilled: max,
      bytesBilled: this.billed(),
      runningEstimate: this.runningEstimate,
      next: { step: unit.step.id, partition: unit.partition, estimatedBytes },
    });
    if (!d.admit) {
      this.blocked = d.figures;
      return 'refused';
    }
    this.running.set(key(unit.step.id, unit.partition), estimatedBytes);
    return { estimatedBytes, maxBytesBilled: jobCap(estimatedBytes, this.planCap) };
  }

  /** A unit's attempt ended (its bytes are now billed, or it billed nothing): its reservation goes. */
  observe(event: RunEvent): void {
    if (event.type === 'UNIT_SUCCEEDED' || event.type === 'UNIT_FAILED') {
      this.running.delete(key(event.step, event.partition));
    }
    if (event.type === 'BUDGET_CHANGED' || event.type === 'RESUMED') this.blocked = undefined;
  }

  /**
   * Once the refused unit's run has nothing in flight: the PAUSED event if that unit still would pass the
   * budget with the figures as they stand (machines/budget.ts decides). Otherwise — a failed attempt freed its
   * reservation, or units billed less than estimated — the guard unblocks and returns undefined: units start
   * again, and the next refusal is decided afresh.
   */
  pauseEvent(by: string): RunEvent | undefined {
    if (!this.blocked) return undefined;
    const paused = decideBudgetPause(
      { maxBytesBilled: this.budget(), bytesBilled: this.billed(), runningEstimate: this.runningEstimate },
      this.blocked.next,
      by,
    );
    if (!paused) this.blocked = undefined;
    return paused;
  }

  private async estimate(
    unit: UnitRef,
    dryRun: (sql: string, p: ReturnType<typeof unitParams>) => Promise<{ bytesProcessed: number }>,
  ): Promise<number> {
    for (let i = 0; i < 3; i++) {
      try {
        const { bytesProcessed } = await dryRun(unit.step.sql as string, unitParams(unit));
        const est = billedEstimate(bytesProcessed);
        this.largest.set(unit.step.id, Math.max(est, this.largest.get(unit.step.id) ?? 0));
        return est;
      } catch {
        await new Promise((r) => setTimeout(r, 200 * 2 ** i));
      }
    }
    // No dry run answered: the step's largest estimate so far, else the per-job cap's floor.
    return this.largest.get(unit.step.id) ?? (parseBytes('1GiB') as number);
  }
}
