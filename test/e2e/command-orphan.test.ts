// A command step orphaned by kill -9 of the driver: resume kills the orphan, then re-runs its unit once.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCommandProject } from '../support/bq-command-project.js';
import { alive, exited, readEvents, runCli, startCli, tempDir, waitFor } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';

describe('command step orphaned by kill -9', () => {
  const orphans: number[] = [];
  afterEach(() => {
    for (const pid of orphans) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('kills the orphan before re-running its unit exactly once', async () => {
    const p = makeCommandProject(tempDir('phased-cmd-orphan-'), [{ mode: 'orphan' }], { dates: 1 });
    const [d] = p.dates;
    const first = join(p.markers, `orphan.${d}.1`);
    const child = startCli(['--db', p.db, 'run', p.plan, '--run-id', 'cmd2']);
    await waitFor(
      () => existsSync(first) && readFileSync(first, 'utf8').includes('prevAlive'),
      'the script to start',
    );
    const pid = Number(readFileSync(first, 'utf8').split(' ')[0]);
    orphans.push(pid);
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');
    // The script outlived its driver (it runs in its own process group).
    expect(alive(pid)).toBe(true);
    expect(readEvents(p.db, 'cmd2').filter((e) => e.type === 'UNIT_STARTED')).toHaveLength(1);

    const r = runCli(['--db', p.db, 'resume', 'cmd2']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(alive(pid)).toBe(false);
    // Exactly one more attempt ran, and when it started the orphan was already dead.
    expect(readdirSync(p.markers).sort()).toEqual([`orphan.${d}.1`, `orphan.${d}.2`]);
    expect(readFileSync(join(p.markers, `orphan.${d}.2`), 'utf8')).toMatch(/prevAlive=false/);
    const events = checkExactlyOnce(p.db, 'cmd2');
    const started = events
      .filter((e) => e.type === 'UNIT_STARTED')
      .map((e) => [e.data.reason, e.data.attempt]);
    expect(started).toEqual([
      ['first', 1],
      ['in-doubt', 2],
    ]);
    expect(events.at(-2)?.type).toBe('RUN_SUCCEEDED');
  });
});
