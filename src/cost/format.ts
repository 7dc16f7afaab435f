// Words for budget figures: the pause message with the command that raises the budget.
import { type BudgetFigures, budgetNeeded } from '../../machines/index.js';
import { formatBytes } from '../engine/dry-run.js';

/** `run R paused: budget …; raise it with …` for a PAUSED {reason: budget}. */
export function budgetPauseMessage(runId: string, f: BudgetFigures, resumeHint: string): string {
  const needed = budgetNeeded(f);
  return (
    `run ${runId} paused by its budget: ${formatBytes(f.bytesBilled)} billed so far; step ${f.next.step} ` +
    `partition ${f.next.partition} would add ~${formatBytes(f.next.estimatedBytes)}, past the budget of ` +
    `${formatBytes(f.maxBytesBilled)}. Raise it (the change is logged) with ` +
    `\`${resumeHint} --max-bytes-billed ${needed}\` or more`
  );
}
