// Progress for long runs: one summary line every few seconds (any output), derived from the event stream: the
// current phase's steps, then the run as a whole (units done/total, rate and the one ETA of eta.ts, timed by the
// log's own timestamps). It never changes the run.

import type { Observable } from 'rxjs';
import { isMeasured, type RunSnapshot } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { type LoggedEvent, liveEta } from './eta.js';
import { overallCounts, overallText } from './progress-text.js';

export interface ProgressSink {
  write(line: string): void;
}

/**
 * A one-line summary of a snapshot: per-step counts of the current phase, then the whole run's units, rate
 * (units/s) and ETA (seconds), each undefined while unknown.
 */
export function progressLine(snap: RunSnapshot, elapsedMs: number, rate?: number, eta?: number): string {
  const ctx = snap.context;
  const steps = Object.entries(ctx.steps)
    .filter(([, c]) => c.pending > 0 || (c.total > 0 && c.done + c.failed < c.total))
    .map(([id, c]) => `${id} ${c.done}/${c.total}${c.failed ? ` (${c.failed} failed)` : ''}`);
  const where = ctx.phase ? `${ctx.phase}${ctx.group === null ? '' : ` group ${ctx.group + 1}`}` : 'starting';
  const head = `[${(elapsedMs / 1000).toFixed(1)}s] ${where}${steps.length ? `: ${steps.join(', ')}` : ''}`;
  return `${head} · run ${overallText(overallCounts(snap), rate, eta)}`;
}

/** Print a line every `everyMs` (of `clock`), and one for each gate or terminal event. */
export function reportProgress(
  events$: Observable<LoggedEvent>,
  sink: ProgressSink,
  everyMs = 3000,
  clock: () => number = Date.now,
  /** The run's store: the ETA starts from the completions it logged before these events (a resume). */
  store?: EventStore,
): void {
  const eta = liveEta(events$, store);
  const t0 = clock();
  let last = 0;
  events$.subscribe(({ event, snap }) => {
    const now = clock();
    if (event.type === 'GATE_PASSED' || event.type === 'GATE_FAILED') {
      const verdict = event.type === 'GATE_PASSED' ? 'passed' : 'BLOCKED';
      const tables = event.report.tables
        .map((t) => `${t.step} ${isMeasured(t) ? `${(t.coverage * 100).toFixed(1)}%` : 'error'}`)
        .join(', ');
      sink.write(
        `gate ${event.gate} ${verdict}${tables ? `: ${tables}` : ''}${event.report.error ? ` (error: ${event.report.error})` : ''}`,
      );
      return;
    }
    if (event.type === 'PREREQS_FAILED') {
      sink.write(
        `prerequisites failed: ${event.checks
          .filter((c) => !c.ok)
          .map((c) => `${c.name}${c.error ? ` (${c.error})` : ''}`)
          .join('; ')}`,
      );
      return;
    }
    if (now - last >= everyMs) {
      last = now;
      sink.write(progressLine(snap, now - t0, eta.rate(), eta.view(snap).run));
    }
  });
}
