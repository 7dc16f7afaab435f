// The bars show the one ETA: for a steady workload written to a real SQLite log, the run and step ETAs the
// bars render are the ones `status --json` (a child CLI) gives for the same log, also after a resume, when the
// bars start from the completions the log held before. Times are the log's own `at`, never this test's clock.
import { afterEach, describe, expect, it } from 'vitest';
import { progressBars } from '../../../src/observe/bars.js';
import { formatDuration, type RunView } from '../../../src/observe/index.js';
import { runCli } from '../../support/cli.js';
import { closeLogs, finish, type Log, started, steadyLog, T0, UNITS } from '../../support/eta-log.js';
import { FakeTty, visible } from '../../support/fake-tty.js';

afterEach(closeLogs);

function statusOf(log: Log): RunView {
  const r = runCli(['status', log.runId, '--json', '--db', log.db]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RunView;
}

/** The last rate and ETA the bars drew for the run (at `done` units of 48) and for step `step` (at `stepDone`). */
function drawn(tty: FakeTty, done: number, step: string, stepDone: number) {
  const out = visible(tty.text);
  const run = [...out.matchAll(new RegExp(`run · ${done}/48 units · ([^ ]+) · ETA (\\S+)`, 'g'))].at(-1);
  const bar = [
    ...out.matchAll(new RegExp(` ${step}\\s+\\|.*?\\| ${stepDone}/12 failed 0 · ([^ ]+) · ETA (\\S+)`, 'g')),
  ].at(-1);
  return { runRate: run?.[1], runEta: run?.[2], stepRate: bar?.[1], stepEta: bar?.[2] };
}

describe('one ETA', () => {
  it('the bars show the ETA that status --json gives for the same log', async () => {
    const log = await steadyLog();
    const tty = new FakeTty();
    // Subscribed from the start, as for a new run: the bars see every event.
    const bars = progressBars(log.events$, tty as unknown as NodeJS.WriteStream, log.store);
    // Each unit takes 8 s with 4 in flight: the first finishes 8 s in, then one every 2 s.
    for (let i = 0; i < 10; i++) await finish(log, i, T0 + 8000 + 2000 * i);
    bars.stop();
    const status = statusOf(log);
    // 10 of p1's 24 units finished, 2 s apart: 14 + the 24 of phase p2 remain, 38 × 2 s = 76 s.
    expect(status.eta.remaining).toBe(38);
    expect(status.eta.run).toBeCloseTo(76, 6);
    // Per step: a's and b's completions are 4 s apart each, 7 units of each left: 28 s.
    expect(status.eta.steps.a?.eta).toBeCloseTo(28, 6);
    expect(drawn(tty, 10, 'a', 5)).toEqual({
      runRate: '0.5/s',
      runEta: formatDuration(status.eta.run as number),
      stepRate: '0.3/s',
      stepEta: formatDuration(status.eta.steps.a?.eta as number),
    });
  });

  it('after a resume, the bars start from the completions the log held before, as status does', async () => {
    const log = await steadyLog();
    // The first process finished 8 units 4 s apart, then died; the run is resumed a minute later, and the
    // bars of the new process see only its own events.
    for (let i = 0; i < 8; i++) await finish(log, i, T0 + 16_000 + 4000 * i);
    const tty = new FakeTty();
    const bars = progressBars(log.events$, tty as unknown as NodeJS.WriteStream, log.store);
    const resumed = T0 + 16_000 + 4000 * 7 + 60_000;
    await log.append(resumed, [{ type: 'DRIVER_ATTACHED', pid: 2, host: 'test', version: 'test' }]);
    for (let i = 8; i < 12; i++) await finish(log, i, resumed + 2000 * (i - 8));
    // The earlier completions are read once the first unit finishes here; any later event draws with them.
    await log.append(resumed + 7000, [started(...(UNITS[16] as [string, string]))]);
    bars.stop();
    const status = statusOf(log);
    expect(status.eta.remaining).toBe(36);
    // Status averages the gaps 4 s × 7, the minute away, then 2 s × 3 (4 → 15.2 → 12.56 → 10.448 → 8.7584 s):
    // 36 × 8.76 s = 5m16s, where the new process's own gaps alone (2 s) would say 72 s.
    expect(status.eta.run).toBeCloseTo(36 * 8.7584, 3);
    expect(drawn(tty, 12, 'b', 6)).toMatchObject({
      runEta: formatDuration(status.eta.run as number),
      stepEta: formatDuration(status.eta.steps.b?.eta as number),
    });
  });
});
