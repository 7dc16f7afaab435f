// `node --max-old-space-size=… phased …`, as a user gives a large run more heap: Node refuses such flags (V8's) to
// worker threads, and the SQLite warehouse runs on workers (a spare started as the CLI loads, then the pool's own).
// The command must run as it does without the flag: no ERR_WORKER_INVALID_EXEC_ARGV, the same warehouse.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, readEvents, runCli, tempDir, testEnv } from '../support/cli.js';
import { makeSyntheticProject, warehouseDigest } from '../support/synthetic.js';

/** `node FLAGS phased ARGS`. */
function phasedWithNodeFlags(flags: string[], args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...flags, CLI, ...args], {
    env: testEnv(env),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

describe('node flags that worker threads refuse', () => {
  it('a run killed mid-way and resumed under node --max-old-space-size ends with the warehouse of a plain run', () => {
    const dir = tempDir('phased-node-flags-');
    // Concurrency 3: the pool starts workers of its own besides the spare.
    const plain = makeSyntheticProject(join(dir, 'plain'), { dates: 6, concurrency: 3 });
    const ref = runCli(['--db', join(dir, 'plain.db'), 'run', plain.plan, '--run-id', 'r']);
    expect(ref.code, ref.stderr).toBe(0);

    const p = makeSyntheticProject(join(dir, 'flagged'), { dates: 6, concurrency: 3 });
    const db = join(dir, 'flagged.db');
    const flags = ['--max-old-space-size=512'];
    const run = phasedWithNodeFlags(flags, ['--db', db, 'run', p.plan, '--run-id', 'f'], {
      PHASED_CRASH_AT: 'after-unit-started:8',
    });
    expect(run.stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV|\n\s+at /);
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(readEvents(db, 'f').some((e) => e.type === 'UNIT_SUCCEEDED')).toBe(true);

    const resume = phasedWithNodeFlags(flags, ['--db', db, 'resume', 'f']);
    expect(resume.stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV|\n\s+at /);
    expect(resume.code, resume.stderr).toBe(0);
    expect(readEvents(db, 'f').filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
    expect(warehouseDigest(p.warehouse)).toEqual(warehouseDigest(plain.warehouse));
  });
});
