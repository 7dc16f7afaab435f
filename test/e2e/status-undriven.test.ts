// `phased status RUN` on a run nobody drives (interrupted, or created with --detach and no daemon yet) says so and
// gives the command that continues it, instead of a bare "running" with an eta that nothing is working towards;
// while a process drives it, it names that process instead. The command it prints works as shown. Replay of a
// run with no events yet says so rather than printing nothing.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { detachedRun, exited, readEvents, runCli, sleepMs, startCli } from '../support/cli.js';

const NOT_DRIVEN = /^not driven: no process holds this run .*`(.+ resume u1 --db .+)` continues it$/m;

it('status says a run is not driven and how to continue it; while driven, it names the driver', async () => {
  const { db } = detachedRun('phased-undriven-', { dates: 6, sleepMs: 150, concurrency: 1 }, 'u1');
  const waiting = runCli(['--db', db, 'status', 'u1']);
  expect(waiting.code, waiting.stderr).toBe(0);
  expect(waiting.stdout).toMatch(NOT_DRIVEN);
  const list = runCli(['--db', db, 'status']);
  expect(list.stdout).toMatch(
    /^not driven: u1 \(owner -\); `.+ resume RUN --db .+` continues one here, `.+ daemon --db .+` drives them all$/m,
  );
  // Its log is empty so far: replay says why instead of printing nothing, and --at has no seq to go to.
  const yet = 'run u1 has no events yet: it was created (run --detach) and no process has driven it';
  const replay = runCli(['--db', db, 'replay', 'u1']);
  expect([replay.code, replay.stdout]).toEqual([0, '']);
  expect(replay.stderr).toContain(yet);
  const at = runCli(['--db', db, 'replay', 'u1', '--at', '1']);
  expect(at.code).toBe(2);
  expect(at.stderr).toContain(`--at 1: ${yet}`);
  const verify = runCli(['--db', db, 'replay', 'u1', '--verify']);
  expect(verify.code).toBe(0);
  expect(verify.stdout).toContain(`run u1: nothing to verify; ${yet}`);

  const child = startCli(['--db', db, 'resume', 'u1']);
  const done = exited(child);
  while (!readEvents(db, 'u1').some((e) => e.type === 'UNIT_SUCCEEDED')) await sleepMs(20);
  const driven = runCli(['--db', db, 'status', 'u1']);
  expect(driven.stdout).toContain(`driven by ${child.pid}@`);
  expect(driven.stdout).not.toContain('not driven');
  expect(runCli(['--db', db, 'status']).stdout).not.toContain('not driven');
  child.kill('SIGINT');
  expect((await done).code).toBe(130);

  const after = runCli(['--db', db, 'status', 'u1']);
  expect(after.stdout).toMatch(/status running/);
  const hint = after.stdout.match(NOT_DRIVEN)?.[1];
  expect(hint, after.stdout).toBeDefined();
  // Units are left: the eta is what the rest would take once driven, not a promise.
  expect(after.stdout).toMatch(/^eta once driven: /m);
  // From where status ran (the hint is worked out for that folder).
  const resumed = spawnSync('sh', ['-c', hint as string], { encoding: 'utf8', timeout: 120_000 });
  expect(resumed.status, resumed.stderr).toBe(0);
  const final = runCli(['--db', db, 'status', 'u1']);
  expect(final.stdout).toMatch(/status succeeded/);
  expect(final.stdout).not.toContain('not driven');
}, 120_000);
