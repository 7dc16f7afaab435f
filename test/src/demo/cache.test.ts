// PHASED_DEMO_CACHE: a demo init served from the cache leaves the same warehouse bytes and reports the same
// figures as a fresh generation and fill; another range or scenario is another entry.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initDemo } from '../../../src/demo/index.js';
import { tempDir } from './helpers.js';

const range = { start: '2023-10-24', end: '2023-11-06' };
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const quiet = { print: () => {} };
const saved = process.env.PHASED_DEMO_CACHE;

afterEach(() => {
  if (saved === undefined) delete process.env.PHASED_DEMO_CACHE;
  else process.env.PHASED_DEMO_CACHE = saved;
});

describe('the demo warehouse cache', () => {
  it('gives the bytes and figures a fresh init gives, per scenario, range and plan files', async () => {
    delete process.env.PHASED_DEMO_CACHE;
    const fresh = await initDemo({ dir: join(tempDir(), 'fresh'), range }, quiet);

    const cache = tempDir();
    process.env.PHASED_DEMO_CACHE = cache;
    const first = await initDemo({ dir: join(tempDir(), 'a'), range }, quiet);
    expect(readdirSync(cache).filter((f) => f.endsWith('.db'))).toHaveLength(1);
    const second = await initDemo({ dir: join(tempDir(), 'b'), range }, quiet);
    for (const r of [first, second]) {
      expect(digest(r.warehouse)).toBe(digest(fresh.warehouse));
      expect(r.baseline.present).toEqual(fresh.baseline.present);
      expect(r.generated.rows).toEqual(fresh.generated.rows);
      expect(r.generated.file).toBe(r.warehouse);
    }
    expect(readdirSync(cache).filter((f) => f.endsWith('.db'))).toHaveLength(1);

    // Another scenario or another range: new entries.
    await initDemo({ dir: join(tempDir(), 'c'), range, scenario: 'broken' }, quiet);
    await initDemo({ dir: join(tempDir(), 'd'), range: { ...range, end: '2023-11-07' } }, quiet);
    expect(readdirSync(cache).filter((f) => f.endsWith('.db'))).toHaveLength(3);
  }, 180_000);
});
