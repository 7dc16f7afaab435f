// `phased db copy`: a real run recorded by the CLI in an SQLite file is copied into PostgreSQL by the CLI; the
// copy's chain verifies, and its events, runs row, units and snapshots equal the source's. Copying again skips
// it; a tampered source run or a different run of the same id in the target is refused with exit 2.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../store/index.js';
import { runCli } from '../../support/cli.js';
import { makeSyntheticProject } from '../../support/synthetic.js';
import { ev, removeTempDirs, tempDir } from '../helpers.js';
import { collect, createRun, usePg } from './helpers.js';

const ctx = usePg();
afterAll(removeTempDirs);

function recordedRun(runId: string): string {
  const dir = tempDir();
  const p = makeSyntheticProject(dir, { dates: 6, flaky: ['2024-01-03'] });
  const db = join(dir, 'phased.db');
  const r = runCli(['--db', db, 'run', p.plan, '--run-id', runId], { env: { PHASED_SNAPSHOT_EVERY: '20' } });
  expect(r.code, r.stderr).toBe(0);
  return db;
}

describe('phased db copy', () => {
  it('copies a recorded run with its chain, units and snapshots; a second copy skips it', async () => {
    const file = recordedRun('laptop-run');
    const schema = ctx.pg.schema();
    const to = `${ctx.pg.url}?schema=${schema}`;
    const r = runCli(['db', 'copy', '--from', file, '--to', to]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/copied laptop-run \(\d+ events, chain verified\)/);
    expect(r.stdout).not.toContain(ctx.pg.password);

    const target = await ctx.open({ schema });
    const src = openStore(file, { readonly: true });
    try {
      const n = src.eventCount('laptop-run');
      expect(n).toBeGreaterThan(20);
      expect(await target.verifyChain('laptop-run')).toEqual({ ok: true, count: n });
      expect(await collect(target.events('laptop-run'))).toEqual([...src.events('laptop-run')]);
      expect(await target.requireRun('laptop-run')).toEqual({
        ...src.requireRun('laptop-run'),
        owner: null,
        leaseExpiresAt: null,
      });
      expect(await target.units('laptop-run')).toEqual(src.units('laptop-run'));
      expect(await target.unitCounts('laptop-run')).toEqual(src.unitCounts('laptop-run'));
      expect(await target.latestSnapshot('laptop-run')).toEqual(src.latestSnapshot('laptop-run'));
      expect(await target.planEvent('laptop-run')).toEqual(src.planEvent('laptop-run'));
    } finally {
      src.close();
    }

    const again = runCli(['db', 'copy', '--from', file, '--to', to, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).runs).toEqual([
      expect.objectContaining({ runId: 'laptop-run', outcome: 'already-there' }),
    ]);
  });

  it('refuses a tampered source run and a different run of the same id in the target, copying nothing', async () => {
    const file = recordedRun('dup');
    const schema = ctx.pg.schema();
    const to = `${ctx.pg.url}?schema=${schema}`;
    const raw = new Database(file);
    raw.prepare(`UPDATE events SET data = '{"evil":1}' WHERE run_id = 'dup' AND seq = 5`).run();
    raw.close();
    const tampered = runCli(['db', 'copy', '--from', file, '--to', to]);
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toMatch(/run dup in .* fails its chain check at seq 5/);
    const target = await ctx.open({ schema });
    expect(await target.listRuns()).toEqual([]);

    const clean = recordedRun('dup');
    await createRun(target, 'dup');
    await target.append('dup', 0, [ev('RUN_CREATED')]);
    const clash = runCli(['db', 'copy', '--from', clean, '--to', to]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/run dup already exists in .* with another log/);
    expect(await target.eventCount('dup')).toBe(1);
  });
});
