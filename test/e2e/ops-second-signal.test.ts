// A second SIGINT/SIGTERM ends the grace: the driver detaches at once instead of waiting for in-flight units (here
// command steps that sleep for two minutes). The run and the daemon exit with their signal's code, the log ends
// with DRIVER_DETACHED and the units still open, and a resume kills the orphans and re-runs each unit once.
// Without the second signal, `run` waits out its 30 s grace and the daemon the hour it is given: past each
// test's time limit.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CommandProject, makeCommandProject } from '../support/bq-command-project.js';
import { alive, readEvents, runCli, tempDir } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';
import { type Child, start, waitFor } from '../support/ops.js';

const orphans: number[] = [];

afterEach(() => {
  for (const pid of orphans.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** Both units' first attempts are running (their scripts wrote their markers and sleep); their pids. */
async function sleepers(p: CommandProject): Promise<number[]> {
  const files = p.dates.map((d) => join(p.markers, `orphan.${d}.1`));
  await waitFor(
    () => files.every((f) => existsSync(f) && readFileSync(f, 'utf8').includes('prevAlive')),
    'sleepers',
  );
  const pids = files.map((f) => Number(readFileSync(f, 'utf8').split(' ')[0]));
  orphans.push(...pids);
  return pids;
}

/** Signal `child` once, wait until it says it is finishing, then signal it again. */
async function signalTwice(child: Child, sig: NodeJS.Signals): Promise<void> {
  child.proc.kill(sig);
  await waitFor(
    () => child.err().includes(`${sig}: finishing in-flight units`),
    'the first signal to be taken',
  );
  child.proc.kill(sig);
}

/** The log ends detached by `sig` with both units started and no result; a resume then finishes the run. */
function expectDetachedThenResumable(p: CommandProject, runId: string, sig: string, pids: number[]): void {
  const log = readEvents(p.db, runId);
  expect(log.at(-1)).toMatchObject({ type: 'DRIVER_DETACHED', data: { reason: sig } });
  expect(log.filter((e) => e.type === 'UNIT_STARTED')).toHaveLength(2);
  expect(log.some((e) => e.type === 'UNIT_SUCCEEDED' || e.type === 'UNIT_FAILED')).toBe(false);
  for (const pid of pids) expect(alive(pid)).toBe(true);

  const r = runCli(['--db', p.db, 'resume', runId]);
  expect(r.code, r.stderr).toBe(0);
  for (const pid of pids) expect(alive(pid)).toBe(false);
  const events = checkExactlyOnce(p.db, runId);
  expect(events.filter((e) => e.type === 'UNIT_SUCCEEDED')).toHaveLength(2);
  expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
  for (const d of p.dates) {
    expect(readFileSync(join(p.markers, `orphan.${d}.2`), 'utf8')).toMatch(/prevAlive=false/);
  }
}

describe('a second signal', () => {
  it('makes `phased run` detach now: exit 130, resumable', async () => {
    const p = makeCommandProject(tempDir('phased-2sig-run-'), [{ mode: 'orphan' }], { dates: 2 });
    const child = start(p.db, ['run', p.plan, '--run-id', 'r2']);
    const pids = await sleepers(p);
    await signalTwice(child, 'SIGINT');
    expect(await child.exit, child.err()).toBe(130);
    expect(child.err()).toContain('SIGINT again: detaching now, without waiting for in-flight units');
    expect(child.err()).not.toMatch(/internal error|\n\s+at /);
    expectDetachedThenResumable(p, 'r2', 'SIGINT', pids);
  }, 25_000);

  it('makes the daemon detach every run now, whatever its --grace-ms: exit 143, resumable', async () => {
    const p = makeCommandProject(tempDir('phased-2sig-daemon-'), [{ mode: 'orphan' }], { dates: 2 });
    expect(runCli(['--db', p.db, 'run', p.plan, '--run-id', 'd2', '--detach']).code).toBe(0);
    const daemon = start(p.db, ['daemon', '--grace-ms', '3600000']);
    const pids = await sleepers(p);
    await signalTwice(daemon, 'SIGTERM');
    expect(await daemon.exit, daemon.err()).toBe(143);
    expect(daemon.err()).toContain('signal again: detaching now');
    expectDetachedThenResumable(p, 'd2', 'SIGTERM', pids);
  }, 60_000);
});
