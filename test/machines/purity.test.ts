// machines/ is pure: besides the lint rule on imports and globals, no randomness or clock reads slip in.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../machines');
/** The error module machines/ may import lives outside it, under the same rules. */
const errorsDir = join(import.meta.dirname, '../../src/errors');

describe('machines/ purity', () => {
  it('has no clock, randomness, timers or I/O in any module', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    const paths = [
      ...files.map((f) => join(dir, f)),
      ...readdirSync(errorsDir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(errorsDir, f)),
    ];
    for (const f of paths) {
      const text = readFileSync(f, 'utf8');
      for (const bad of [
        /Math\.random/,
        /\bDate\b/,
        /performance\.now/,
        /setTimeout|setInterval/,
        /from 'node:/,
        /\binvoke:/,
        /\bafter:/,
      ]) {
        expect(text, `${f} matches ${bad}`).not.toMatch(bad);
      }
    }
  });
});

describe('the error module', () => {
  it('is the only module outside machines/ that machines/ imports', () => {
    const outside = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/from '(\.\.\/[^']+)'/g)) outside.add(m[1]);
    }
    expect([...outside]).toEqual(['../src/errors/index.js']);
  });

  it('does not map error codes to exit codes: that is the CLI’s', async () => {
    const errors: Record<string, unknown> = await import('../../src/errors/index.js');
    const machines: Record<string, unknown> = await import('../../machines/index.js');
    expect(errors.PhasedError).toBeTypeOf('function');
    expect(Object.keys(errors).filter((k) => /exit/i.test(k))).toEqual([]);
    expect(Object.keys(machines).filter((k) => /exit/i.test(k))).toEqual([]);
  });
});
