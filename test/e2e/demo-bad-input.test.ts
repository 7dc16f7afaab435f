// Bad input to `phased demo`: an unknown scenario and a directory that cannot be made are refused with
// exit 2 and one clear message, before anything is generated.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phased, tempDir } from '../support/demo.js';

describe('phased demo, bad input', () => {
  it('refuses --scenario nonsense with exit 2, naming the valid scenarios', async () => {
    const dir = join(tempDir(), 'demo');
    const r = await phased(['demo', '--dir', dir, '--scenario', 'nonsense']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--scenario nonsense');
    expect(r.stderr).toMatch(/healthy or broken/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'warehouse.db'))).toBe(false);
  });

  it('refuses a --dir below a regular file with exit 2', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'plain file');
    const r = await phased(['demo', '--dir', join(file, 'demo'), '--init-only']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--dir ${join(file, 'demo')} cannot be used`);
    expect(r.stderr).toContain('ENOTDIR');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
