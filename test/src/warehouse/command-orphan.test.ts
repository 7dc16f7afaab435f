// A driver killed with -9 leaves its command running; reconcile finds it by pidfile (pid + start time) and kills it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepSpec } from '../../../machines/index.js';
import { commandPidPath, killOrphan, openCommandBackend } from '../../../src/warehouse/command.js';
import type { UnitRef } from '../../../src/warehouse/types.js';

// The compiled module (vitest's global setup builds dist/ first), as the CLI would load it.
const DIST_COMMAND = new URL('../../../dist/src/warehouse/command.js', import.meta.url).href;

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Zombies are reaped by init, which may take a moment: poll, bounded. */
async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1500 && !(await cond()); i++) await sleep(10);
}

describe('command orphans', () => {
  let dir: string;
  let driver: ChildProcess | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phased-cmd-orphan-'));
  });
  afterEach(async () => {
    driver?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const unitFor = (argv: string[]): UnitRef => ({
    runId: 'run1',
    step: {
      id: 'long_script',
      table: 't',
      kind: 'command',
      partitionColumn: 'd',
      command: { argv },
      concurrency: 1,
      retries: 0,
      refill: 'missing',
    } satisfies StepSpec,
    partition: '2024-03-01',
    attempt: 1,
    range: { start: '2024-03-01', end: '2024-03-01' },
  });

  it('kills the orphaned process group of a driver that was killed -9', async () => {
    expect(existsSync(fileURLToPath(DIST_COMMAND))).toBe(true);
    const logDir = join(dir, 'logs');
    const hang = join(dir, 'hang.sh');
    const gcFile = join(dir, 'grandchild.pid');
    await writeFile(hang, '#!/bin/sh\nsleep 1000 &\necho $! > "$1"\nwait\n', { mode: 0o755 });
    const u = unitFor([hang, gcFile]);
    const driverScript = join(dir, 'driver.mjs');
    await writeFile(
      driverScript,
      `import { openCommandBackend } from ${JSON.stringify(DIST_COMMAND)};\n` +
        `const unit = JSON.parse(process.argv[2]);\n` +
        `await openCommandBackend({ logDir: ${JSON.stringify(logDir)} }).materialize(unit);\n`,
    );
    driver = spawn(process.execPath, [driverScript, JSON.stringify(u)], { stdio: 'inherit' });
    const driverExit = new Promise((resolve) => driver?.once('exit', resolve));

    const pidfile = commandPidPath(logDir, u);
    await until(
      async () =>
        existsSync(pidfile) &&
        (await readFile(pidfile, 'utf8').catch(() => '')).trim().endsWith('}') &&
        (await readFile(gcFile, 'utf8').catch(() => '')).trim() !== '',
    );
    const { pid: leader, startTime } = JSON.parse(await readFile(pidfile, 'utf8')) as {
      pid: number;
      startTime: string;
    };
    const grandchild = Number((await readFile(gcFile, 'utf8')).trim());
    expect(startTime).toMatch(/^\d+$/);

    driver.kill('SIGKILL');
    await driverExit;
    // The script outlived its driver.
    expect(gone(leader)).toBe(false);
    expect(gone(grandchild)).toBe(false);

    const result = await openCommandBackend({ logDir, killGraceMs: 200 }).reconcile(u);
    expect(result).toEqual({ status: 'unknown' });
    await until(() => gone(leader) && gone(grandchild));
    expect(gone(leader)).toBe(true);
    expect(gone(grandchild)).toBe(true);
    expect(existsSync(pidfile)).toBe(false);
  });

  it('never kills a process whose start time differs (a recycled pid)', async () => {
    const other = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
    try {
      const pidfile = join(dir, 'recycled.pid');
      const info = { pid: other.pid, startTime: '1', attempt: 1, argv: ['x'], log: 'x.log' };
      await writeFile(pidfile, JSON.stringify(info));
      expect(await killOrphan(pidfile, 100)).toBe(false);
      expect(gone(other.pid!)).toBe(false);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
