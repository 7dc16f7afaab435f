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
  reservationKey,
} from '../../machines/index.js';
import type { Admission } from '../engine/unit-runner.js';
import { isBigQueryWarehouse, type UnitRef, unitParams, type WarehouseReads } from '../warehouse/index.js';

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
    /** The log's reservations (units started under the budget, not ended), this process's and earlier ones'. */
    private readonly logged: () => Record<string, number> | undefined = () => undefined,
  ) {}

  /**
   * Estimated bytes of the units running: those this process admitted (from the decision on, before their
   * UNIT_STARTED is durable) and those the log holds as started and not ended, such as jobs still running from
   * a driver killed before they finished; each unit counted once.
   */
  get runningEstimate(): number {
    return this.runningExcept(undefined);
  }

  /** runningEstimate without one unit's own reservation (a new attempt of it replaces it). */
  private runningExcept(unitKey: string | undefined): number {
    const all = new Map(Object.entries(this.logged() ?? {}));
    for (const [k, v] of this.running) all.set(k, v);
    if (unitKey !== undefined) all.delete(unitKey);
    let n = 0;
    for (const v of all.values()) n += v;
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
      runningEstimate: this.runningExcept(reservationKey(unit.step.id, unit.partition)),
      next: { step: unit.step.id, partition: unit.partition, estimatedBytes },
    });
    if (!d.admit) {
      this.blocked = d.figures;
      return 'refused';
    }
    this.running.set(reservationKey(unit.step.id, unit.partition), estimatedBytes);
    return { estimatedBytes, maxBytesBilled: jobCap(estimatedBytes, this.planCap) };
  }

  /** A unit's attempt ended (its bytes are now billed, or it billed nothing): its reservation goes. */
  observe(event: RunEvent): void {
    if (event.type === 'UNIT_SUCCEEDED' || event.type === 'UNIT_FAILED') {
      this.running.delete(reservationKey(event.step, event.partition));
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
