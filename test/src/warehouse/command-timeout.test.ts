// A command that hangs past its timeout, or is cancelled, has its whole process group killed.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepSpec } from '../../../machines/index.js';
import { openCommandBackend } from '../../../src/warehouse/command.js';
import type { UnitRef } from '../../../src/warehouse/types.js';

/** process.kill(pid, 0) throws ESRCH once the process is gone (and reaped). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Zombies are reaped by init, which may take a moment here: poll (bounded) rather than assume. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1500 && !cond(); i++) await sleep(10);
}

async function waitForFile(path: string): Promise<string> {
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.trim()) return text.trim();
    await sleep(10);
  }
}

describe('command timeouts and cancel', () => {
  let dir: string;
  let script: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phased-cmd-to-'));
    // A shell that starts a grandchild in its group, records its pid, and waits forever.
    script = join(dir, 'hang.sh');
    await writeFile(script, '#!/bin/sh\nsleep 1000 &\necho $! > "$1"\nwait\n', { mode: 0o755 });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const unitOf = (argv: string[], timeoutMs?: number): UnitRef => ({
    runId: 'run1',
    step: {
      id: 'slow_step',
      table: 't',
      kind: 'command',
      partitionColumn: 'd',
      command: { argv, timeoutMs },
      concurrency: 1,
      retries: 0,
      refill: 'missing',
    } satisfies StepSpec,
    partition: '2024-02-01',
    attempt: 1,
    range: { start: '2024-02-01', end: '2024-02-01' },
  });

  it('kills the whole group after the timeout and fails with TIMEOUT', async () => {
    const childPidFile = join(dir, 'grandchild.pid');
    const backend = openCommandBackend({ logDir: join(dir, 'logs'), killGraceMs: 200 });
    const err = await backend.materialize(unitOf([script, childPidFile], 300)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    const leader = (err as { details: { pid: number } }).details.pid;
    const grandchild = Number(await waitForFile(childPidFile));
    expect(gone(leader)).toBe(true);
    await until(() => gone(grandchild));
    expect(gone(grandchild)).toBe(true);
  });

  it('kills the group when the unit is cancelled', async () => {
    const childPidFile = join(dir, 'grandchild2.pid');
    const backend = openCommandBackend({ logDir: join(dir, 'logs'), killGraceMs: 200 });
    const ac = new AbortController();
    const pending = backend.materialize(unitOf([script, childPidFile]), ac.signal);
    const grandchild = Number(await waitForFile(childPidFile));
    ac.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED', retryable: false });
    await until(() => gone(grandchild));
    expect(gone(grandchild)).toBe(true);
  });
});
