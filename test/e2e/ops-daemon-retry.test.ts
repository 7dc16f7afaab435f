// A run the daemon cannot drive (its SQLite warehouse file is gone) is retried, and the failure is told once,
// not at every try; once the file is back the run is driven to the end. Tries are counted by the lease's
// epoch, which moves on each time the daemon takes the run's lease.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { cli, runStatusOf, slowProject, start, tmp, waitFor } from '../support/ops.js';

function leaseEpoch(db: string, runId: string): number {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    d.pragma('busy_timeout = 5000');
    return (d.prepare('SELECT lease_epoch FROM runs WHERE run_id = ?').get(runId) as { lease_epoch: number })
      .lease_epoch;
  } finally {
    d.close();
  }
}

it('tells a run that keeps failing once, retries it, and drives it once the cause is gone', async () => {
  const dir = tmp('phased-daemon-retry-');
  const p = slowProject(join(dir, 'p'), { dates: 3 });
  const db = join(dir, 'phased.db');
  expect(cli(db, ['run', p.plan, '--run-id', 'w1', '--detach']).code).toBe(0);
  renameSync(p.warehouse, `${p.warehouse}.away`);
  const daemon = start(db, ['daemon'], { PHASED_DAEMON_RETRY_MS: '200' });
  try {
    // Four tries at least: the first, told, and three more that fail the same way.
    await waitFor(() => leaseEpoch(db, 'w1') >= 4, 'the daemon to try the run four times');
    renameSync(`${p.warehouse}.away`, p.warehouse);
    await waitFor(() => runStatusOf(db, 'w1') === 'succeeded', 'the run driven to the end');
  } finally {
    daemon.proc.kill('SIGTERM');
  }
  expect(await daemon.exit).toBe(143);
  const said = daemon.err();
  expect(said.match(/run w1: stopped driving: /g), said).toHaveLength(1);
  expect(said).toContain(`run w1: stopped driving: warehouse file ${p.warehouse} does not exist`);
  expect(said).toContain('(retrying every 0.2 s)');
  expect(said.match(/run w1: driving/g), said).toHaveLength(1);
  expect(said).toContain('run w1: succeeded');
});
