// Live progress on a terminal: a line with the run's current state, one line for the run as a whole (units
// done/total, rate, ETA) and one cli-progress bar per step once a unit of it started. Reads the event stream only; off a terminal
// the plain line reporter (progress.ts) is used instead. Rate and ETA are the one ETA (eta.ts) that status and
// /metrics show, timed by the log's own timestamps; their text comes from progress-text.ts.

import cliProgress from 'cli-progress';
import type { Observable } from 'rxjs';
import { runStatus } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { type LoggedEvent, liveEta } from './eta.js';
import { formatEta, formatRate, overallCounts, overallText } from './progress-text.js';
import { stateLabel } from './replay.js';

// cli-progress's own {eta_formatted} prints `NULLs`/`INFs` (cut to `LLs`/`NFs`) while it cannot tell: the ETA
// and rate are ours, passed in the payload (under names of our own: cli-progress's {eta} would override them).
const STEP_FORMAT = ' {step} |{bar}| {value}/{total} failed {failed} · {rate} · ETA {etaText}';

/** Start bars on `stream` (a TTY); returns a handle whose stop() restores the terminal. */
export function progressBars(
  events$: Observable<LoggedEvent>,
  stream: NodeJS.WritableStream,
  /** The run's store: the ETA starts from the completions it logged before these events (a resume). */
  store?: EventStore,
): { stop(): void } {
  const eta = liveEta(events$, store);
  const multi = new cliProgress.MultiBar(
    { stream, format: STEP_FORMAT, hideCursor: true, clearOnComplete: false, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  const state = multi.create(1, 0, { status: 'starting', where: '' }, { format: ' {status} · {where}' });
  const overall = multi.create(1, 0, { text: '' }, { format: ' run · {text}' });
  const bars = new Map<string, cliProgress.SingleBar>();
  const startedSteps = new Set<string>();
  const width = (ids: string[]) => Math.max(8, ...ids.map((s) => s.length));
  let stopped = false;
  const sub = events$.subscribe(({ event, snap }) => {
    if (event.type === 'UNIT_STARTED' || event.type === 'UNIT_SUCCEEDED' || event.type === 'UNIT_FAILED')
      startedSteps.add(event.step);
    const ctx = snap.context;
    const view = eta.view(snap);
    state.update(0, { status: runStatus(snap), where: stateLabel(snap.value).slice(0, 160) });
    overall.update(0, { text: overallText(overallCounts(snap), eta.rate(), view.run) });
    const pad = width(Object.keys(ctx.steps));
    for (const [id, c] of Object.entries(ctx.steps)) {
      const payload = {
        step: id.padEnd(pad),
        failed: c.failed,
        rate: formatRate(eta.rate(id)),
        etaText: formatEta(c, view.steps[id]?.eta),
      };
      const bar = bars.get(id);
      if (bar) {
        bar.setTotal(c.total);
        bar.update(c.done + c.failed, payload);
      } else if (startedSteps.has(id) && c.total > 0) {
        bars.set(id, multi.create(c.total, c.done + c.failed, payload));
      }
    }
  });
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      sub.unsubscribe();
      multi.stop();
    },
  };
}
