// Follow-up commands are printed so that they work as shown: `npx phased` in the project folder (no `phased` on
// the PATH, as after `npm ci`), `phased` once the PATH has this installation (what `npm link` makes), and
// `node <the CLI>` anywhere else. Each printed form is run through a real shell from that folder.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/demo/index.js';
import { commandHint, phasedCommand } from '../../../src/observe/index.js';
import { openStore } from '../../../store/index.js';
import { tempDir } from '../../support/cli.js';
import { PROJECT_ROOT } from '../../support/synthetic.js';

// The PATH without any folder that already holds a `phased` (a developer's own npm link).
const bare = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((d) => spawnSync('test', ['-e', join(d, 'phased')]).status !== 0)
  .join(delimiter);

function runShown(prefix: string, cwd: string, path: string) {
  const db = join(tempDir(), 'phased.db');
  openStore(db).close();
  const line = `${prefix} status --db ${db}`;
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path };
  delete env.PHASED_DB;
  const r = spawnSync('sh', ['-c', line], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { line, code: r.status, out: r.stdout + r.stderr };
}

describe('commands printed for the operator', () => {
  it('finds the project folder', () => {
    expect(packageRoot()).toBe(PROJECT_ROOT);
  });

  it('prints `npx phased` in the project folder, and that works as shown', () => {
    const inside = join(PROJECT_ROOT, 'plans');
    for (const cwd of [PROJECT_ROOT, inside]) {
      expect(phasedCommand({ cwd, path: bare })).toBe('npx phased');
    }
    // The bare name is not there after `npm ci`: what the hints used to print fails in the shell.
    expect(runShown('phased', PROJECT_ROOT, bare).code).toBe(127);
    const r = runShown('npx phased', PROJECT_ROOT, bare);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('no runs yet');
  });

  it('prints `phased` when the PATH has this installation, and that works as shown', () => {
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    symlinkSync(join(PROJECT_ROOT, 'dist', 'bin', 'phased.js'), join(bin, 'phased'));
    const path = `${bin}${delimiter}${bare}`;
    const elsewhere = tempDir();
    expect(phasedCommand({ cwd: elsewhere, path })).toBe('phased');
    const r = runShown('phased', elsewhere, path);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('no runs yet');
  });

  it('prints `node <the CLI>` outside the project without phased on the PATH, and that works as shown', () => {
    const elsewhere = tempDir();
    const prefix = phasedCommand({ cwd: elsewhere, path: bare });
    expect(prefix).toBe(`node ${join(PROJECT_ROOT, 'dist', 'bin', 'phased.js')}`);
    const r = runShown(prefix, elsewhere, bare);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('no runs yet');
  });

  it('shows a PostgreSQL password as *** and keeps the rest of the URL and any file path as given', () => {
    const url = 'postgres://team:s3cret-pw@db.internal:5433/backfills?schema=team_a&sslmode=require';
    const hint = commandHint('resume', 'r1', '--db', url);
    expect(hint).not.toContain('s3cret-pw');
    expect(hint).toContain(
      `resume r1 --db 'postgres://team:***@db.internal:5433/backfills?schema=team_a&sslmode=require'`,
    );
    const param = commandHint('status', '--db', 'postgresql://team@db.internal/backfills?password=s3cret-pw');
    expect(param).not.toContain('s3cret-pw');
    expect(param).toContain('password=***');
    // No password, nothing to hide; a file path is a file path even when it contains a colon.
    expect(commandHint('status', '--db', 'postgres://team@db.internal/backfills')).toContain(
      '--db postgres://team@db.internal/backfills',
    );
    expect(commandHint('status', '--db', '/srv/x:y@z/phased.db')).toContain('--db /srv/x:y@z/phased.db');
  });
});
