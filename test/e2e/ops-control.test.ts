// pause / resume / cancel from another process against a live driver, and control commands refused
// (wrong run id, wrong state) with exit 2 and an unchanged log.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, events, runStatusOf, slowProject, start, successes, tmp, waitFor } from '../support/ops.js';

describe('control commands', () => {
  it('pause stops new units after PAUSED; resume finishes; a finished run refuses pause', async () => {
    const dir = tmp();
    const { plan, dates } = slowProject(dir, { dates: 12, sleepMs: 200, concurrency: 1 });
    const db = join(dir, 'phased.db');
    const run = start(db, ['run', plan, '--run-id', 'p1']);
    await waitFor(
      () => events(db, 'p1').some((e) => e.type === 'UNIT_SUCCEEDED' && e.data.step === 'c'),
      'a c unit',
    );
    const pause = cli(db, ['pause', 'p1', '--reason', 'deploy']);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stdout).toContain('PAUSE_REQUESTED');
    expect(await run.exit).toBe(3);
    const log = events(db, 'p1');
    const paused = log.findIndex((e) => e.type === 'PAUSED');
    expect(paused).toBeGreaterThan(0);
    expect(log.find((e) => e.type === 'PAUSE_REQUESTED')?.data.reason).toBe('deploy');
    expect(log.slice(paused).filter((e) => e.type === 'UNIT_STARTED')).toEqual([]);
    // Every unit started before PAUSED has its result before PAUSED (nothing in flight lost).
    const before = log.slice(0, paused);
    const open = new Set<string>();
    for (const e of before) {
      const k = `${e.data.step}/${e.data.partition}`;
      if (e.type === 'UNIT_STARTED') open.add(k);
      if (e.type === 'UNIT_SUCCEEDED' || e.type === 'UNIT_FAILED') open.delete(k);
    }
    expect([...open]).toEqual([]);
    expect(runStatusOf(db, 'p1')).toBe('paused');
    // Pausing a paused run makes no sense.
    const again = cli(db, ['pause', 'p1']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('paused');

    const resume = cli(db, ['resume', 'p1']);
    expect(resume.code, resume.stderr).toBe(0);
    const done = events(db, 'p1');
    expect(done.some((e) => e.type === 'RESUMED')).toBe(true);
    // `run` attached first; the paused driver detached cleanly, so the next one is a resume, not a takeover.
    expect(done.filter((e) => e.type === 'DRIVER_ATTACHED').map((e) => e.data.reason)).toEqual([
      'new',
      'resume',
    ]);
    const ok = successes(done);
    expect(ok.size).toBe(dates.length * 5);
    expect([...ok.values()].every((n) => n === 1)).toBe(true);

    const n = done.length;
    for (const args of [
      ['pause', 'p1'],
      ['cancel', 'p1'],
      ['retry', 'p1'],
      ['approve', 'p1', '--gate', 'p1', '--reason', 'x'],
    ]) {
      const r = cli(db, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^phased: /);
    }
    expect(events(db, 'p1').length).toBe(n);
  }, 180_000);

  it('cancel ends a live run as cancelled (exit 3); resume and control commands are refused after', async () => {
    const dir = tmp();
    const { plan } = slowProject(dir, { dates: 12, sleepMs: 200, concurrency: 1 });
    const db = join(dir, 'phased.db');
    const run = start(db, ['run', plan, '--run-id', 'c1']);
    await waitFor(
      () => events(db, 'c1').some((e) => e.type === 'UNIT_STARTED' && e.data.step === 'c'),
      'a c unit',
    );
    const cancel = cli(db, ['cancel', 'c1', '--reason', 'wrong range']);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(await run.exit).toBe(3);
    const log = events(db, 'c1');
    const at = log.findIndex((e) => e.type === 'CANCELLED');
    expect(at).toBeGreaterThan(0);
    expect(log.slice(at).filter((e) => e.type === 'UNIT_STARTED')).toEqual([]);
    expect(runStatusOf(db, 'c1')).toBe('cancelled');
    const n = log.length;
    const resume = cli(db, ['resume', 'c1']);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('cancelled');
    expect(cli(db, ['cancel', 'c1']).code).toBe(2);
    // An unknown run and a bad argument: exit 2, a message, nothing appended anywhere.
    const unknown = cli(db, ['pause', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('nope');
    expect(cli(db, ['retry', 'c1', '--partition', '2024-13-45']).code).toBe(2);
    // Shaped like a date but not one: refused too, not silently matched against no unit.
    const feb30 = cli(db, ['retry', 'c1', '--partition', '2024-02-30']);
    expect(feb30.code).toBe(2);
    expect(feb30.stderr).toContain('2024-02-30 is not a date');
    expect(cli(db, ['retry', 'c1', '--step', 'zz']).stderr).toContain('zz');
    expect(events(db, 'c1').length).toBe(n);
  }, 180_000);

  it('cancel of a run no process drives settles it at once', () => {
    const dir = tmp();
    const { plan } = slowProject(dir, { dates: 3 });
    const db = join(dir, 'phased.db');
    expect(cli(db, ['run', plan, '--run-id', 'd1', '--detach']).code).toBe(0);
    const r = cli(db, ['cancel', 'd1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('cancelled');
    expect(events(db, 'd1').map((e) => e.type)).toEqual(['RUN_CREATED', 'CANCEL_REQUESTED', 'CANCELLED']);
  }, 180_000);
});
