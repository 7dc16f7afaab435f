// The terminal bars, drawn into a fake TTY (a Writable with isTTY and columns) from a real run machine fed the
// events a driver logs, each with its time in the log: before any unit finished, while units run and after every
// step finished, what was written never holds cli-progress's unknown-ETA leftovers (`NULLs`/`INFs`, cut to
// `LLs`/`NFs`), NaN or Infinity.
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createRunMachine, RunCursor, type RunEvent, type RunSnapshot } from '../../../machines/index.js';
import { progressBars } from '../../../src/observe/bars.js';
import { type LoggedEvent, progressLine, reportProgress } from '../../../src/observe/index.js';
import { ok, started } from '../../support/eta-log.js';
import { FakeTty, visible } from '../../support/fake-tty.js';
import { twoPhasePlan } from '../../support/plans.js';

/** Phase p1 of the two-phase plan: steps a and b, three partitions each, one already present for a. */
function feed(emit: (event: RunEvent, snap: RunSnapshot) => void, stopAfterStarts = false): void {
  const cursor = new RunCursor(createRunMachine(twoPhasePlan()));
  const apply = (e: RunEvent) => emit(e, cursor.apply(e));
  apply({ type: 'PREREQS_PASSED', checks: [] });
  apply({
    type: 'BASELINE_RECORDED',
    partitions: 3,
    steps: ['a', 'b', 'c', 'd'].map((step) => ({
      step,
      expected: 3,
      present: step === 'a' ? 1 : 0,
      missing: step === 'a' ? 2 : 3,
      toRun: step === 'a' ? ['2', '3'] : ['1', '2', '3'],
    })),
  });
  for (const [s, p] of [
    ['a', '2'],
    ['b', '1'],
  ])
    apply(started(s, p));
  if (stopAfterStarts) {
    cursor.stop();
    return;
  }
  apply(ok('a', '2'));
  apply(ok('b', '1'));
  for (const p of ['2', '3']) {
    apply(started('b', p));
    apply(ok('b', p));
  }
  apply(started('a', '3'));
  apply(ok('a', '3'));
  cursor.stop();
}

/** The event as a driver emits it, logged at `atMs`. */
let seq = 0;
const logged = (event: RunEvent, snap: RunSnapshot, atMs: number): LoggedEvent => ({
  event,
  snap,
  stored: { runId: 'r', seq: ++seq, at: new Date(atMs).toISOString() },
});

const LEFTOVERS = /NaN|Infinity|NFs|LLs|NULL|INF|\{\w+\}/;

describe('terminal progress bars', () => {
  it('shows ETA – before a unit finished, with the run line', () => {
    const tty = new FakeTty();
    const events$ = new Subject<LoggedEvent>();
    let now = 1_000;
    const bars = progressBars(events$, tty as unknown as NodeJS.WriteStream);
    feed((event, snap) => {
      now += 100;
      events$.next(logged(event, snap, now));
    }, true);
    bars.stop();
    const out = visible(tty.text);
    expect(out).not.toMatch(LEFTOVERS);
    expect(out).toMatch(/ a\s+\|.*\| 1\/3 failed 0 · –\/s · ETA –/);
    expect(out).toMatch(/ b\s+\|.*\| 0\/3 failed 0 · –\/s · ETA –/);
    // Steps c and d of phase p2 count in the run's total (4 steps × 3 partitions; 1 present).
    expect(out).toContain('run · 1/12 units · –/s · ETA –');
    // A bar per step that started a unit; phase p2's steps have none yet.
    expect(out).not.toMatch(/ c\s+\|/);
  });

  it('shows rates and ETAs while running, and done for finished steps', () => {
    const tty = new FakeTty();
    const events$ = new Subject<LoggedEvent>();
    let now = 1_000;
    const bars = progressBars(events$, tty as unknown as NodeJS.WriteStream);
    feed((event, snap) => {
      now += 1000;
      events$.next(logged(event, snap, now));
    });
    bars.stop();
    const out = visible(tty.text);
    expect(out).not.toMatch(LEFTOVERS);
    expect(out).toMatch(/ a\s+\|.*\| 3\/3 failed 0 · [\d.]+\/s · ETA done/);
    expect(out).toMatch(/ b\s+\|.*\| 3\/3 failed 0 · [\d.]+\/s · ETA done/);
    // Phase p2's steps are still to run: the run is not done, and its ETA is a time.
    expect(out).toMatch(/run · 6\/12 units · [\d.]+\/s · ETA \d+(s|m\d\ds)/);
  });
});

describe('plain progress lines', () => {
  it('carry the run figures, unknown before a unit finished', () => {
    const lines: string[] = [];
    const events$ = new Subject<LoggedEvent>();
    let now = 0;
    reportProgress(events$, { write: (l) => lines.push(l) }, 0, () => now);
    let first: RunSnapshot | undefined;
    feed((event, snap) => {
      now += 1000;
      first ??= snap;
      events$.next(logged(event, snap, now));
    });
    expect(lines.join('\n')).not.toMatch(LEFTOVERS);
    expect(lines[0]).toMatch(/ · run 0\/– units · –\/s · ETA –$/);
    // After the last event: 6 of 12 finished, 6 to go. The 5 completions here are logged at 5, 6, 8, 10 and 12 s:
    // gaps of 1, 2, 2 and 2 s, smoothed with weight 0.2 on the newest (1 → 1.2 → 1.36 → 1.488 s per unit), so
    // 0.67 units/s and 6 × 1.488 = 8.9 s left. (The mean rate since the first start, 5 in 9 s, said 11 s.)
    expect(lines.at(-1)).toMatch(/ · run 6\/12 units · 0\.7\/s · ETA 9s$/);
    expect(progressLine(first as RunSnapshot, 1500)).toBe('[1.5s] starting · run 0/– units · –/s · ETA –');
  });
});
