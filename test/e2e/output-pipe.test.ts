// Output piped into a reader that leaves early (`head`, `grep -m`, `less` quit): phased exits quietly with its
// own exit code, no EPIPE stack trace, and (replay) stops writing at once rather than after the whole log.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir, testEnv } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

let dir: string;
let db: string;

beforeAll(() => {
  dir = tempDir('phased-pipe-');
  // 60 dates: several hundred events, far more timeline than a pipe buffers (64 KiB), so the writer meets
  // the closed pipe while the log is still being read.
  const p = makeSyntheticProject(join(dir, 'project'), { dates: 60 });
  db = join(dir, 'phased.db');
  const r = runCli(['--db', db, 'run', p.plan, '--run-id', 'pp']);
  expect(r.code, r.stderr).toBe(0);
});

/** `phased ARGS | READER` in bash with pipefail: the pipeline's status is phased's when the reader succeeds. */
function piped(args: string[], reader: string): { code: number | null; stdout: string; stderr: string } {
  const errFile = join(dir, `stderr-${Math.random().toString(36).slice(2)}.txt`);
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const cmd = `set -o pipefail; ${q(process.execPath)} ${q(CLI)} ${args.map(q).join(' ')} 2>${q(errFile)} | ${reader}`;
  const r = spawnSync('bash', ['-c', cmd], { env: testEnv(), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: readFileSync(errFile, 'utf8') };
}

describe('a reader that leaves early', () => {
  for (const [name, args, reader] of [
    ['replay | head -n 1', ['replay', 'pp'], 'head -n 1'],
    ['replay --json | head -c 100', ['--json', 'replay', 'pp'], 'head -c 100'],
    ['replay | grep -m 1 UNIT_SUCCEEDED', ['replay', 'pp'], 'grep -m 1 UNIT_SUCCEEDED'],
    ['status --json | head -n 2', ['--json', 'status', 'pp'], 'head -n 2'],
  ] as const) {
    it(`${name}: exit 0, no EPIPE, no stack trace`, () => {
      const r = piped(['--db', db, ...args], reader);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    });
  }

  it('replay read through a pipe closed after its first chunk stops early and exits 0', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, '--db', db, 'replay', 'pp'], {
      env: testEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
