// Crash anywhere, same result: kill -9 the driver at seeded random moments (≥ 15 times), resume each time,
// and the warehouse, the final state and the exactly-once guarantees match an uninterrupted run.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  exited,
  headSeq,
  prng,
  readEvents,
  runCli,
  runExists,
  sleepMs,
  startCli,
  tempDir,
} from '../support/cli.js';
import { checkExactlyOnce, inDoubtUnits } from '../support/log-checks.js';
import { makeSyntheticProject, warehouseDigest } from '../support/synthetic.js';

const OPTS = { dates: 60, flaky: ['2024-01-05', '2024-01-17', '2024-02-11'], concurrency: 3 };

it('survives 15+ kill -9 at random moments with an identical outcome', async () => {
  const refDir = tempDir('phased-ref-');
  const ref = makeSyntheticProject(refDir, OPTS);
  const r = runCli(['--db', join(refDir, 'phased.db'), 'run', ref.plan, '--run-id', 'run1']);
  expect(r.code, r.stderr).toBe(0);
  const refEvents = readEvents(join(refDir, 'phased.db'), 'run1');

  const dir = tempDir('phased-kill-');
  const p = makeSyntheticProject(dir, OPTS);
  const db = join(dir, 'phased.db');
  const random = prng(20261126);
  let kills = 0;
  let args = ['--db', db, 'run', p.plan, '--run-id', 'run1'];
  let final: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  for (let round = 0; round < 60 && !final; round++) {
    const child = startCli(args);
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const done = exited(child);
    // Kill at a random moment after this driver has started appending (so every kill lands on a driving
    // process, however slow start-up is on a loaded machine); after 15 kills, let the run finish.
    const seqAtStart = headSeq(db, 'run1');
    const outcome = await Promise.race([
      done,
      (async () => {
        while (headSeq(db, 'run1') <= seqAtStart + 1 && child.exitCode === null) await sleepMs(20);
        await sleepMs(kills < 15 ? random() * 400 : 600_000);
        return undefined;
      })(),
    ]);
    if (outcome) {
      if (outcome.code === 0) final = outcome;
      else expect(outcome.code, `round ${round} exited unexpectedly: ${stderr}`).toBe(0);
    } else {
      child.kill('SIGKILL');
      await done;
      kills++;
    }
    // A kill before the run row exists (during startup) means the next round starts it again.
    if (runExists(db, 'run1')) args = ['--db', db, 'resume', 'run1'];
  }
  expect(final?.code).toBe(0);
  expect(kills).toBeGreaterThanOrEqual(15);

  const events = checkExactlyOnce(db, 'run1');
  expect(warehouseDigest(p.warehouse)).toEqual(warehouseDigest(ref.warehouse));
  expect(events[events.length - 1].state).toEqual(refEvents[refEvents.length - 1].state);
  expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
  // Units in flight at a kill were picked up again once, and the log says how.
  for (const d of inDoubtUnits(events))
    expect(['UNIT_STARTED in-doubt', 'UNIT_SUCCEEDED true']).toContain(d.resolvedBy.join(' '));
  const attaches = events.filter((e) => e.type === 'DRIVER_ATTACHED').length;
  expect(attaches).toBe(kills + 1);
  expect(events.filter((e) => e.type === 'DRIVER_DETACHED')).toHaveLength(1);
}, 240_000);
