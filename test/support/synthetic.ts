// A small synthetic project for engine and end-to-end tests: a SQLite warehouse with a source table,
// a two-phase plan (three tables × N dates, then two groups), and a command step that fails once on chosen dates.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export interface SyntheticOptions {
  dates?: number;
  /** Dates (YYYY-MM-DD) on which the command step fails once before succeeding. */
  flaky?: string[];
  /** Phase 1 gate coverage threshold. */
  minCoverage?: number;
  /** Dates with no source rows (their units write nothing, lowering coverage). */
  holes?: string[];
  concurrency?: number;
  /** Each command unit sleeps this long first (keeps a run alive while a test acts on it). */
  sleepMs?: number;
  /** Retries of the command step (default 3; 0 makes a flaky date's first failure final). */
  retries?: number;
}

export function dateList(n: number, start = '2024-01-01'): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  for (let i = 0; i < n; i++) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

export function makeSyntheticProject(
  target: string,
  o: SyntheticOptions = {},
): { plan: string; warehouse: string; dates: string[] } {
  const dir = resolve(target);
  const dates = dateList(o.dates ?? 60);
  const holes = new Set(o.holes ?? []);
  mkdirSync(join(dir, 'markers'), { recursive: true });
  const warehouse = join(dir, 'warehouse.db');
  const db = new Database(warehouse);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE src (d TEXT NOT NULL, k INTEGER NOT NULL, v INTEGER NOT NULL);
           CREATE INDEX src_d ON src(d);
           CREATE TABLE calendar (d TEXT PRIMARY KEY);`);
  const ins = db.prepare('INSERT INTO src VALUES (?, ?, ?)');
  const cal = db.prepare('INSERT INTO calendar VALUES (?)');
  db.transaction(() => {
    dates.forEach((d, i) => {
      cal.run(d);
      if (holes.has(d)) return;
      for (let k = 0; k < 5; k++) ins.run(d, k, (i * 7 + k * 13) % 100);
    });
  })();
  db.close();
  const c = o.concurrency ?? 3;
  const ddl = (t: string) =>
    `CREATE TABLE IF NOT EXISTS ${t} (d TEXT NOT NULL, k INTEGER NOT NULL, v INTEGER)`;
  writeFileSync(
    join(dir, 'flaky.mjs'),
    `import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
const require = createRequire(join(process.env.PHASED_PROJECT_ROOT, 'package.json'));
const Database = require('better-sqlite3');
const [partition] = process.argv.slice(2);
const flaky = (process.env.FLAKY ?? '').split(',').filter(Boolean);
const marker = join(process.env.MARKERS, partition);
const sleepMs = Number(process.env.SLEEP_MS ?? 0);
if (sleepMs > 0) await new Promise((r) => setTimeout(r, sleepMs));
if (flaky.includes(partition) && !existsSync(marker)) {
  writeFileSync(marker, 'failed once');
  console.error('transient failure for ' + partition);
  process.exit(1);
}
const db = new Database(process.env.WAREHOUSE);
db.pragma('busy_timeout = 10000');
db.transaction(() => {
  db.prepare('DELETE FROM c WHERE d = ?').run(partition);
  db.prepare('INSERT INTO c (d, k, v) SELECT d, k, v * 3 FROM src WHERE d = ?').run(partition);
})();
console.log('wrote ' + partition);
`,
  );
  const plan = `version: 1
name: synthetic
range: { start: ${dates[0]}, end: ${dates[dates.length - 1]} }
warehouse: { kind: sqlite, path: warehouse.db }
partitionColumn: d
partitions: SELECT d AS partition FROM calendar WHERE d BETWEEN @start AND @end
maxConcurrency: 6
prerequisites:
  tables: [src, calendar]
  checks:
    - { name: source has rows, sql: "SELECT COUNT(*) > 0 AS ok, COUNT(*) || ' rows' AS detail FROM src" }
phases:
  - id: p1
    steps:
      - { id: a, table: a, sql: "SELECT d, k, v FROM src WHERE d = @partition", ddl: "${ddl('a')}", concurrency: ${c} }
      - { id: b, table: b, sql: "SELECT d, k, v * 2 AS v FROM src WHERE d = @partition", ddl: "${ddl('b')}", concurrency: ${c} }
      - id: c
        table: c
        kind: command
        command: [node, flaky.mjs, "{partition}"]
        env: { FLAKY: "${(o.flaky ?? []).join(',')}", MARKERS: "${join(dir, 'markers')}", WAREHOUSE: "${warehouse}", SLEEP_MS: "${o.sleepMs ?? 0}", PHASED_PROJECT_ROOT: "${PROJECT_ROOT}" }
        ddl: "${ddl('c')}"
        concurrency: ${c}
        retries: ${o.retries ?? 3}
        timeout: 60
    gate: { minCoverage: ${o.minCoverage ?? 1} }
  - id: p2
    groups:
      - steps:
          - { id: d, table: d, sql: "SELECT a.d, a.k, a.v + b.v AS v FROM a JOIN b ON a.d = b.d AND a.k = b.k WHERE a.d = @partition", ddl: "${ddl('d')}", concurrency: ${c} }
      - steps:
          - { id: e, table: e, sql: "SELECT d.d, d.k, d.v + c.v AS v FROM d JOIN c ON d.d = c.d AND d.k = c.k WHERE d.d = @partition", ddl: "${ddl('e')}", concurrency: ${c} }
    gate: { minCoverage: 1 }
`;
  const planFile = join(dir, 'plan.yaml');
  writeFileSync(planFile, plan);
  return { plan: planFile, warehouse, dates };
}

/** Every output table's rows, sorted: what "the same warehouse" means in tests. */
export function warehouseDigest(file: string, tables = ['a', 'b', 'c', 'd', 'e']): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of tables) out[t] = db.prepare(`SELECT d, k, v FROM ${t} ORDER BY d, k`).all();
    return out;
  } finally {
    db.close();
  }
}
