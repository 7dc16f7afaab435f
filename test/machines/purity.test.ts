// machines/ is pure: besides the lint rule on imports and globals, no randomness or clock reads slip in.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../machines');

describe('machines/ purity', () => {
  it('has no clock, randomness, timers or I/O in any module', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
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
