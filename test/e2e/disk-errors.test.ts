// The event log's disk fails under a running run (here a file size limit, `ulimit -f`, which the kernel enforces on
// every write of the process: SQLite gets EFBIG or a short write, as on a full disk). The run stops with a short
// message naming the file and the resume command, no stack trace; resumed once the limit is gone, it ends with the
// warehouse and final state of a run that never failed, each unit succeeding once.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, readEvents, runCli, tempDir, testEnv } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';
import { makeSyntheticProject, warehouseDigest } from '../support/synthetic.js';

const OPTS = { dates: 20 };

/** `phased ARGS` with the process's file size limit at `kib` KiB (bash's `ulimit -f`, in 1024-byte blocks). */
function phasedWithFileLimit(kib: number, args: string[]) {
  const r = spawnSync('bash', ['-c', `ulimit -f ${kib} && exec "$0" "$@"`, process.execPath, CLI, ...args], {
    env: testEnv(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

let reference: { digest: Record<string, unknown[]>; state: unknown };

beforeAll(() => {
  const dir = tempDir('phased-disk-ref-');
  const p = makeSyntheticProject(dir, OPTS);
  const r = runCli(['--db', join(dir, 'phased.db'), 'run', p.plan, '--run-id', 'ref']);
  expect(r.code, r.stderr).toBe(0);
  const events = readEvents(join(dir, 'phased.db'), 'ref');
  reference = { digest: warehouseDigest(p.warehouse), state: events[events.length - 1].state };
});

describe('the event log cannot be written', () => {
  it('stops the run with a message naming the file and the resume; the resume ends as a run that never failed', () => {
    const dir = tempDir('phased-disk-');
    const p = makeSyntheticProject(dir, OPTS);
    const db = join(dir, 'phased.db');
    // 256 KiB: the log's WAL reaches it after about a fifth of the units (the warehouse's stays well under).
    const run = phasedWithFileLimit(256, ['--db', db, 'run', p.plan, '--run-id', 'x']);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `phased: cannot [a-z ]+: the event log ${db} could not be written \\(SQLITE_(FULL|IOERR_WRITE):`,
      ),
    );
    expect(run.stderr).toContain('run x stopped there; once that is fixed, resume it with `');
    expect(run.stderr).toMatch(/resume x --db \S*phased\.db`/);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    const before = readEvents(db, 'x');
    expect(before.filter((e) => e.type === 'UNIT_SUCCEEDED').length).toBeGreaterThan(0);
    expect(before.some((e) => e.type.startsWith('RUN_') && e.type !== 'RUN_CREATED')).toBe(false);

    const resumed = runCli(['--db', db, 'resume', 'x']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = checkExactlyOnce(db, 'x');
    expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
    expect(events[events.length - 1].state).toEqual(reference.state);
    expect(warehouseDigest(p.warehouse)).toEqual(reference.digest);
  });
});
