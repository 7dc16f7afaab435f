// Cancel aborts in-flight units (as its help says): a command step's process group is killed, the unit is
// logged as a CANCELLED failure naming the process, and the run ends cancelled without waiting for the script.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { cli, events, runStatusOf, slowProject, start, tmp, waitFor } from '../support/ops.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('cancel', () => {
  it('--help says in-flight units are aborted, pause that they finish', () => {
    const cancel = runCli(['cancel', '--help']);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(/in-flight units are aborted/);
    expect(cancel.stdout).not.toMatch(/in-flight units finish/);
    expect(runCli(['pause', '--help']).stdout).toMatch(/in-flight units finish/);
  });

  it('kills a running command step and logs it CANCELLED with its pid and log', async () => {
    const dir = tmp();
    // Each command unit sleeps far longer than the test: only an abort ends it.
    const { plan } = slowProject(dir, { dates: 4, sleepMs: 600_000, concurrency: 1 });
    const db = join(dir, 'phased.db');
    const run = start(db, ['run', plan, '--run-id', 'ca']);
    await waitFor(
      () => events(db, 'ca').some((e) => e.type === 'UNIT_STARTED' && e.data.step === 'c'),
      'a command unit started',
    );
    expect(cli(db, ['cancel', 'ca']).code).toBe(0);
    expect(await run.exit).toBe(3);
    expect(runStatusOf(db, 'ca')).toBe('cancelled');
    const log = events(db, 'ca');
    const aborted = log.filter((e) => e.type === 'UNIT_FAILED' && e.data.step === 'c');
    expect(aborted.length).toBeGreaterThan(0);
    for (const e of aborted) {
      const error = e.data.error as { code: string; details: { pid: number; log: string; signal: string } };
      expect(error.code).toBe('CANCELLED');
      expect(error.details.log).toMatch(/logs\/ca\/c\/2024-01-0\d\.log$/);
      expect(error.details.signal).toMatch(/^SIG(TERM|KILL)$/);
      expect(alive(error.details.pid), `pid ${error.details.pid}`).toBe(false);
    }
    expect(log.findIndex((e) => e.type === 'CANCELLED')).toBeGreaterThan(log.indexOf(aborted[0]));
  });
});
