// A pause requested just before its driver is killed: resume completes the pause on record, resumes, and
// finishes with every unit succeeded once.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exited, readEvents, runCli, runExists, sleepMs, startCli, tempDir } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';
import { makeSyntheticProject } from '../support/synthetic.js';

it('resume after a kill -9 between PAUSE_REQUESTED and PAUSED', async () => {
  const dir = tempDir('phased-pausecrash-');
  const p = makeSyntheticProject(dir, { dates: 10, sleepMs: 400 });
  const db = join(dir, 'phased.db');
  const child = startCli(['--db', db, 'run', p.plan, '--run-id', 'pk']);
  const done = exited(child);
  while (
    !runExists(db, 'pk') ||
    !readEvents(db, 'pk').some((e) => e.type === 'UNIT_STARTED' && e.data.step === 'c')
  )
    await sleepMs(20);
  const pause = runCli(['--db', db, 'pause', 'pk', '--reason', 'deploy']);
  expect(pause.code, pause.stderr).toBe(0);
  child.kill('SIGKILL');
  await done;
  const before = readEvents(db, 'pk');
  expect(before.some((e) => e.type === 'PAUSE_REQUESTED')).toBe(true);
  expect(before.some((e) => e.type === 'PAUSED')).toBe(false);

  const r = runCli(['--db', db, 'resume', 'pk']);
  expect(r.code, r.stderr).toBe(0);
  const events = checkExactlyOnce(db, 'pk');
  const attach = events.findLast((e) => e.type === 'DRIVER_ATTACHED')!.seq;
  const after = events.filter((e) => e.seq > attach).map((e) => e.type);
  expect(after.slice(0, 2)).toEqual(['PAUSED', 'RESUMED']);
  expect(events[events.length - 1].state).toBe('succeeded');
});
