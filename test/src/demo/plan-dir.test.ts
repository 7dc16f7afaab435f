import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, planDirectory } from '../../../src/demo/index.js';
import { tempDir } from './helpers.js';

describe('planDirectory', () => {
  it('finds plans/nba with plan.yaml under the package root', () => {
    const dir = planDirectory();
    expect(existsSync(join(dir, 'plan.yaml'))).toBe(true);
    expect(existsSync(join(packageRoot(), 'package.json'))).toBe(true);
    expect(dir).toBe(join(packageRoot(), 'plans', 'nba'));
  });

  it('walks up from a compiled module in dist/src/demo to the directory with package.json', () => {
    const root = tempDir();
    writeFileSync(join(root, 'package.json'), '{"name":"phased"}');
    const compiled = join(root, 'dist', 'src', 'demo');
    mkdirSync(compiled, { recursive: true });
    expect(packageRoot(join(compiled, 'plan-dir.js'))).toBe(root);
  });

  it('passes over a package.json that only sets its folder’s module type (dist/bin, beside the bundle)', () => {
    const root = tempDir();
    writeFileSync(join(root, 'package.json'), '{"name":"phased"}');
    const bin = join(root, 'dist', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'package.json'), '{"type":"commonjs"}');
    expect(packageRoot(join(bin, 'phased.cjs'))).toBe(root);
  });
});
