// One driver: two resumes of the same run at once — one drives, the other exits 4 naming the holder;
// after kill -9 of the holder, a resume takes over and finishes.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exited, headSeq, readEvents, runCli, sleepMs, startCli, tempDir } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';
import { makeSyntheticProject } from '../support/synthetic.js';

it('refuses a second driver with exit 4, and takes over after the holder dies', async () => {
  const dir = tempDir('phased-lease-');
  const p = makeSyntheticProject(dir, { dates: 12, sleepMs: 300 });
  const db = join(dir, 'phased.db');
  const env = { PHASED_LEASE_MS: '3000' };
  const created = runCli(['--db', db, 'run', p.plan, '--run-id', 'l1', '--detach'], { env });
  expect(created.code, created.stderr).toBe(0);

  const first = startCli(['--db', db, 'resume', 'l1'], { env });
  const firstDone = exited(first);
  while (headSeq(db, 'l1') < 2) await sleepMs(20);
  const second = runCli(['--db', db, 'resume', 'l1'], { env });
  expect(second.code).toBe(4);
  expect(second.stderr).toMatch(new RegExp(`driven by ${first.pid}@`));

  while (!readEvents(db, 'l1').some((e) => e.type === 'UNIT_STARTED')) await sleepMs(20);
  first.kill('SIGKILL');
  await firstDone;
  const third = runCli(['--db', db, 'resume', 'l1'], { env });
  expect(third.code, third.stderr).toBe(0);
  const events = checkExactlyOnce(db, 'l1');
  expect(events.filter((e) => e.type === 'DRIVER_ATTACHED')).toHaveLength(2);
  // The first resume of the detached run says so; the third took the lease from the killed holder.
  expect(events.filter((e) => e.type === 'DRIVER_ATTACHED').map((e) => [e.data.reason, e.data.from])).toEqual(
    [
      ['resume', undefined],
      ['takeover', expect.stringMatching(new RegExp(`^${first.pid}@`))],
    ],
  );
});
