// Bad global input is refused before anything is written: a --db (or PHASED_DB) that is a URL phased does not
// serve (anything but postgres://), and an invalid PHASED_CRASH_AT, exit 2 with one message and no stack trace,
// and leave no file behind.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliAsync, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

/** Every file and folder under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

describe('--db that is a URL of a database phased does not serve', () => {
  const commands: [string, (plan: string) => string[]][] = [
    ['run', (plan) => ['run', plan, '--run-id', 'u1']],
    ['status', () => ['status']],
    ['resume', () => ['resume', 'u1']],
    ['replay', () => ['replay', 'u1']],
    ['cancel', () => ['cancel', 'u1']],
    ['demo', () => ['demo', '--dir', 'demo', '--init-only']],
  ];
  for (const [name, args] of commands) {
    it(`${name} exits 2 naming the supported forms and creates nothing`, async () => {
      const dir = tempDir('phased-dburl-');
      const p = makeSyntheticProject(join(dir, 'project'), { dates: 3 });
      const before = tree(dir);
      const r = await runCliAsync(['--db', 'mysql://db.example/phased', ...args(p.plan)], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--db mysql://db.example/phased');
      expect(r.stderr).toMatch(/file path/);
      expect(r.stderr).toMatch(/postgres:\/\//);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(tree(dir)).toEqual(before);
    });
  }

  it('PHASED_DB set to a URL is refused the same way, naming PHASED_DB', async () => {
    const dir = tempDir('phased-dburl-');
    const before = tree(dir);
    const r = await runCliAsync(['status'], { cwd: dir, env: { PHASED_DB: 'sqlite://phased.db' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PHASED_DB sqlite://phased.db');
    expect(tree(dir)).toEqual(before);
  });
});

describe('PHASED_CRASH_AT', () => {
  for (const value of [
    'after-nothing',
    'after-unit-started:0',
    'after-unit-started:x',
    'during-snapshot:1:2',
  ]) {
    it(`${value} exits 2 naming the valid points and creates no run`, async () => {
      const dir = tempDir('phased-crashat-');
      const p = makeSyntheticProject(join(dir, 'project'), { dates: 3 });
      const db = join(dir, 'phased.db');
      const r = await runCliAsync(['--db', db, 'run', p.plan, '--run-id', 'c1'], {
        env: { PHASED_CRASH_AT: value },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`PHASED_CRASH_AT=${value} is not valid`);
      expect(r.stderr).toContain('after-unit-started');
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(tree(dir)).not.toContain('phased.db');
    });
  }
});
