import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateWarehouse } from '../../../src/demo/index.js';
import { tempDir } from './helpers.js';

const range = { start: '2023-10-24', end: '2023-12-31' };
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('generateWarehouse is deterministic', () => {
  it('writes the same bytes in two different directories', () => {
    const a = join(tempDir(), 'warehouse.db');
    const b = join(tempDir(), 'warehouse.db');
    generateWarehouse(a, { scenario: 'healthy', range });
    generateWarehouse(b, { scenario: 'healthy', range });
    expect(digest(a)).toBe(digest(b));
  });

  it('writes different bytes for another seed or the broken scenario', () => {
    const base = join(tempDir(), 'a.db');
    const seeded = join(tempDir(), 'b.db');
    const broken = join(tempDir(), 'c.db');
    generateWarehouse(base, { scenario: 'healthy', range });
    generateWarehouse(seeded, { scenario: 'healthy', range, seed: 7 });
    const result = generateWarehouse(broken, { scenario: 'broken', range });
    expect(digest(seeded)).not.toBe(digest(base));
    expect(digest(broken)).not.toBe(digest(base));
    expect(result.removedTeamBoxDates.length).toBeGreaterThan(0);
  });

  it('refuses to overwrite an existing file and rejects a bad range', () => {
    const file = join(tempDir(), 'w.db');
    generateWarehouse(file, { scenario: 'healthy', range });
    expect(() => generateWarehouse(file, { scenario: 'healthy', range })).toThrow(/already exists/);
    expect(() =>
      generateWarehouse(join(tempDir(), 'x.db'), {
        scenario: 'healthy',
        range: { start: '2024-01-02', end: '2023-01-01' },
      }),
    ).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});
