// PHASED_DEMO_CACHE: a demo init served from the cache leaves the same warehouse bytes and reports the same
// figures as a fresh generation and fill; another range or scenario is another entry.
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { initDemo } from '../../../src/demo/index.js';
import { tempDir } from './helpers.js';

const range = { start: '2023-10-24', end: '2023-11-06' };
/** Every table's rows, hashed: what SQLite reads (WAL included), not the bytes of the main file alone. */
function digest(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    return Object.fromEntries(
      (tables as string[]).map((t) => {
        const rows = db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).raw().all();
        return [t, `${rows.length}:${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`];
      }),
    );
  } finally {
    db.close();
  }
}
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
    const entries = readdirSync(cache).filter((f) => f.endsWith('.db'));
    expect(entries).toHaveLength(1);
    // The entry on its own (no WAL file beside it) holds the whole filled warehouse.
    const alone = join(tempDir(), 'entry.db');
    copyFileSync(join(cache, entries[0]), alone);
    expect(digest(alone)).toEqual(digest(fresh.warehouse));
    const second = await initDemo({ dir: join(tempDir(), 'b'), range }, quiet);
    for (const r of [first, second]) {
      expect(digest(r.warehouse)).toEqual(digest(fresh.warehouse));
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
