// SIGTERM to a daemon mid-run: in-flight units finish, DRIVER_DETACHED is logged, exit 143; resume finishes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, events, slowProject, start, successes, tmp, waitFor } from '../support/ops.js';

describe('daemon SIGTERM', () => {
  it('drains in-flight units, detaches with exit 143, and a later resume finishes', async () => {
    const dir = tmp();
    const db = join(dir, 'phased.db');
    const { plan } = slowProject(dir, { dates: 10, sleepMs: 250, concurrency: 2 });
    expect(cli(db, ['run', plan, '--run-id', 's1', '--detach']).code).toBe(0);
    const d = start(db, ['daemon']);
    await waitFor(
      () => events(db, 's1').some((e) => e.type === 'UNIT_STARTED' && e.data.step === 'c'),
      'a c unit',
    );
    d.proc.kill('SIGTERM');
    expect(await d.exit).toBe(143);
    const log = events(db, 's1');
    const last = log.at(-1);
    expect(last).toMatchObject({ type: 'DRIVER_DETACHED', data: { reason: 'SIGTERM' } });
    const open = new Set<string>();
    for (const e of log) {
      const k = `${e.data.step}/${e.data.partition}`;
      if (e.type === 'UNIT_STARTED') open.add(k);
      if (e.type === 'UNIT_SUCCEEDED' || e.type === 'UNIT_FAILED') open.delete(k);
    }
    expect([...open]).toEqual([]);
    expect(successes(log).size).toBeLessThan(50);

    const r = cli(db, ['resume', 's1']);
    expect(r.code, r.stderr).toBe(0);
    const ok = successes(events(db, 's1'));
    expect(ok.size).toBe(50);
    expect([...ok.values()].every((n) => n === 1)).toBe(true);
  }, 180_000);
});
