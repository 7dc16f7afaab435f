// The terminal bars, drawn into a fake TTY (a Writable with isTTY and columns) from a real run machine fed the
// events a driver logs, each with its time in the log: before any unit finished, while units run and after every
// step finished, what was written never holds cli-progress's unknown-ETA leftovers (`NULLs`/`INFs`, cut to
// `LLs`/`NFs`), NaN or Infinity.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  compactPartitions,
  createRunMachine,
  RunCursor,
  type RunEvent,
  type RunSnapshot,
  runStatus,
} from '../../../machines/index.js';
import { createRun } from '../../../src/engine/index.js';
import {
  formatDuration,
  type LoggedEvent,
  progressBars,
  progressLine,
  type RunView,
  reportProgress,
} from '../../../src/observe/index.js';
import { openEventStore } from '../../../store/index.js';
import { runCli } from '../../support/cli.js';
import { twoPhasePlan } from '../../support/plans.js';

class FakeTty extends Writable {
  isTTY = true;
  columns = 160;
  rows = 40;
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

// Escape sequences out, so the assertions read the text a terminal shows.
const visible = (s: string) => s.replace(/\x1B(?:\[[0-9;?]*[A-Za-z]|[78])/g, '');

const started = (step: string, partition: string): RunEvent => ({
  type: 'UNIT_STARTED',
  step,
  partition,
  attempt: 1,
  reason: 'first',
});
const ok = (step: string, partition: string): RunEvent => ({
  type: 'UNIT_SUCCEEDED',
  step,
  partition,
  attempt: 1,
  rows: 1,
  ms: 1,
});

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
const logged = (event: RunEvent, snap: RunSnapshot, atMs: number): LoggedEvent => ({
  event,
  snap,
  stored: { at: new Date(atMs).toISOString() },
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

describe('one ETA', () => {
  it('the bars show the ETA that status --json gives for the same log', async () => {
    // A steady workload in a real SQLite log: 4 units in flight, each taking 8 s, so after the first finishes
    // 8 s in, one finishes every 2 s. The times are the log's own `at`, never the clock of this test.
    const plan = { ...twoPhasePlan(), range: { start: '2024-01-01', end: '2024-01-12' } };
    const dates = Array.from({ length: 12 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
    const dir = mkdtempSync(join(tmpdir(), 'phased-eta-'));
    const db = join(dir, 'phased.db');
    const store = await openEventStore(db);
    const cursor = new RunCursor(createRunMachine(plan));
    const tty = new FakeTty();
    const events$ = new Subject<LoggedEvent>();
    const bars = progressBars(events$, tty as unknown as NodeJS.WriteStream);
    try {
      const runId = await createRun(store, plan, { runId: 'eta' });
      const T0 = Date.parse('2025-03-01T00:00:00.000Z');
      const append = async (atMs: number, events: RunEvent[]) => {
        const head = (await store.head(runId)).seq;
        const snaps: RunSnapshot[] = [];
        const stored = await store.append(
          runId,
          head,
          events.map((event) => {
            const snap = cursor.apply(event);
            snaps.push(snap);
            return { event, at: new Date(atMs).toISOString(), state: snap.value, status: runStatus(snap) };
          }),
        );
        stored.forEach((st, i) => {
          events$.next({ event: events[i] as RunEvent, snap: snaps[i] as RunSnapshot, stored: st });
        });
      };
      await append(T0, [
        {
          type: 'RUN_CREATED',
          runId,
          planName: plan.name,
          planHash: 'h',
          range: plan.range,
          machineVersion: '1',
          refill: 'missing',
        },
        { type: 'DRIVER_ATTACHED', pid: 1, host: 'test', version: 'test' },
        { type: 'PREREQS_PASSED', checks: [] },
        {
          type: 'BASELINE_RECORDED',
          partitions: dates.length,
          steps: ['a', 'b', 'c', 'd'].map((step) => ({
            step,
            expected: dates.length,
            present: 0,
            missing: dates.length,
            toRun: compactPartitions(dates),
          })),
        },
      ]);
      // Phase p1's units in order a1, b1, a2, b2, …: the first four start at T0, each next one as one finishes.
      const units = dates.flatMap((d) => [
        ['a', d],
        ['b', d],
      ]) as [string, string][];
      for (const [s, p] of units.slice(0, 4)) await append(T0, [started(s, p)]);
      const FINISHED = 10;
      for (let i = 0; i < FINISHED; i++) {
        const [s, p] = units[i] as [string, string];
        const next = units[i + 4] as [string, string];
        await append(T0 + 8000 + 2000 * i, [ok(s, p), started(...next)]);
      }
      bars.stop();
      const r = runCli(['status', runId, '--json', '--db', db]);
      expect(r.code, r.stderr).toBe(0);
      const status = JSON.parse(r.stdout) as RunView;
      // 10 of p1's 24 units finished, 2 s apart: 14 + the 24 of phase p2 remain, 38 × 2 s = 76 s.
      expect(status.eta.remaining).toBe(38);
      expect(status.eta.run).toBeCloseTo(76, 6);
      const out = visible(tty.text);
      const runEta = [...out.matchAll(/run · 10\/48 units · ([^ ]+) · ETA (\S+)/g)].at(-1);
      expect(runEta?.[2]).toBe(formatDuration(status.eta.run as number));
      expect(runEta?.[1]).toBe('0.5/s');
      // Per step: a's and b's completions are 4 s apart each, 7 units of each left: 28 s.
      for (const step of ['a', 'b']) {
        const shown = [
          ...out.matchAll(new RegExp(` ${step}\\s+\\|.*?\\| 5/12 failed 0 · ([^ ]+) · ETA (\\S+)`, 'g')),
        ].at(-1);
        expect(status.eta.steps[step]?.eta).toBeCloseTo(28, 6);
        expect(shown?.[2]).toBe(formatDuration(status.eta.steps[step]?.eta as number));
        expect(shown?.[1]).toBe('0.3/s');
      }
    } finally {
      bars.stop();
      cursor.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
