// Live progress on a terminal: one cli-progress bar per running step (done/total, failed, rate, ETA) and a
// line with the run's current state. Reads the event stream only; off a terminal the plain line is used instead.

import cliProgress from 'cli-progress';
import type { Observable } from 'rxjs';
import type { RunEvent, RunSnapshot } from '../../machines/index.js';
import { runStatus } from '../../machines/index.js';
import { stateLabel } from './replay.js';

interface StepBar {
  bar: cliProgress.SingleBar;
  t0: number;
  done0: number;
}

const FORMAT = ' {step} |{bar}| {value}/{total} failed {failed} · {rate}/s · ETA {eta_formatted}';

/** Start bars on `stream` (a TTY); returns a handle whose stop() restores the terminal. */
export function progressBars(
  events$: Observable<{ event: RunEvent; snap: RunSnapshot }>,
  stream: NodeJS.WriteStream,
): { stop(): void } {
  const multi = new cliProgress.MultiBar(
    { stream, format: FORMAT, hideCursor: true, clearOnComplete: false, etaBuffer: 50, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  const state = multi.create(1, 0, {}, { format: ' {status} · {where}' });
  const bars = new Map<string, StepBar>();
  const width = (ids: string[]) => Math.max(8, ...ids.map((s) => s.length));
  let stopped = false;
  const sub = events$.subscribe(({ snap }) => {
    const ctx = snap.context;
    state.update(0, { status: runStatus(snap), where: stateLabel(snap.value).slice(0, 160) });
    const ids = Object.keys(ctx.steps);
    const pad = width(ids);
    for (const [id, c] of Object.entries(ctx.steps)) {
      const running = c.pending > 0 && c.total > 0;
      let b = bars.get(id);
      if (!b && running) {
        b = { bar: multi.create(c.total, c.done), t0: Date.now(), done0: c.done };
        bars.set(id, b);
      }
      if (!b) continue;
      const secs = (Date.now() - b.t0) / 1000;
      const rate = secs > 0 ? ((c.done - b.done0) / secs).toFixed(1) : '0.0';
      b.bar.setTotal(c.total);
      b.bar.update(c.done + c.failed, { step: id.padEnd(pad), failed: c.failed, rate });
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
