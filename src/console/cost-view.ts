// The run page's cost and pace figures from a LiveRun: each step's adaptive concurrency limit and ETA, the run's
// ETA, and the budget with what counts against it. The numbers are the machine's and the log's, computed by the
// same functions as `phased status --json` (stepLimit, budgetOf, the EWMA ETA of observe/status.ts).

import { budgetNeeded, budgetOf, type RunSnapshot, stepLimit } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { budgetPauseMessage } from '../cost/format.js';
import { commandHint } from '../observe/command-hint.js';
import type { EtaView } from '../observe/eta.js';
import type { BudgetView, PaceEta } from './api-cost-types.js';
import type { LiveRun } from './live-run.js';

export const paceEta = (e: { eta?: number; remaining: number } | undefined): PaceEta => ({
  remaining: e?.remaining ?? 0,
  seconds: e?.eta ?? null,
});

/** A step's limit now (the last CONCURRENCY_CHANGED, else its configured concurrency). */
export function concurrencyLimit(snap: RunSnapshot, step: string, configured: number): number {
  return stepLimit(snap.context.ops, step, configured);
}

/** The step's ETA from the status view (a step without counters has nothing left). */
export function stepEta(eta: EtaView, step: string): PaceEta {
  return paceEta(eta.steps[step]);
}

export function runEta(eta: EtaView): PaceEta {
  return paceEta({ eta: eta.run, remaining: eta.remaining });
}

/**
 * The budget: its size, billed so far, the running units' estimates and what remains; while the run is paused
 * by its budget, the PAUSED figures, the CLI's message and the command that raises it. `resumeHint` is the
 * `phased resume RUN …` command as an operator would type it.
 */
export function budgetView(live: LiveRun, resumeHint: string): BudgetView {
  const ops = live.snapshot.context.ops;
  const usage = ops?.usage ?? { bytesProcessed: 0, bytesBilled: 0, slotMs: 0 };
  const max = budgetOf(ops, live.plan) ?? null;
  let runningEstimate = 0;
  for (const u of live.open.values()) if (u.status === 'running') runningEstimate += u.estimatedBytes ?? 0;
  let pause: BudgetView['pause'] = null;
  if (live.status === 'paused') {
    const last = live
      .markList()
      .filter((m) => m.event.type === 'PAUSED')
      .at(-1);
    const figures = last?.event.type === 'PAUSED' ? last.event.budget : undefined;
    if (last && figures) {
      pause = {
        seq: last.seq,
        figures,
        message: budgetPauseMessage(live.runId, figures, resumeHint),
        command: `${resumeHint} --max-bytes-billed ${budgetNeeded(figures)}`,
      };
    }
  }
  return {
    maxBytesBilled: max,
    bytesBilled: usage.bytesBilled,
    bytesProcessed: usage.bytesProcessed,
    slotMs: usage.slotMs,
    runningEstimate,
    remaining: max === null ? null : max - usage.bytesBilled - runningEstimate,
    pause,
  };
}

/** `phased resume RUN` as an operator types it for this store (with `--db` for a SQLite file). */
export function resumeHint(store: EventStore, runId: string): string {
  return commandHint('resume', runId, ...(store.backend === 'sqlite' ? ['--db', store.location] : []));
}

/** What runDetail's cost figures need, read for the run as it stands. */
export async function costInputs(store: EventStore, live: LiveRun) {
  return { eta: await live.statusEta(), resumeHint: resumeHint(store, live.runId) };
}
