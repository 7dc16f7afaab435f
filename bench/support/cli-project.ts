// A small SQLite project for the CLI's own start-up figures: a warehouse with a source table and a calendar,
// and a plan of 5 SQL steps × 91 dates (455 units) in one phase, written as a user would write it.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { calendar } from './plan.js';

export interface CliProject {
  dir: string;
  plan: string;
  units: number;
}

const STEPS = 5;
const DATES = 91;

export function writeCliProject(dir: string): CliProject {
  mkdirSync(dir, { recursive: true });
  const dates = calendar(DATES, '2024-01-01');
  const db = new Database(join(dir, 'warehouse.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE src (d TEXT NOT NULL, k INTEGER NOT NULL, v INTEGER NOT NULL);
             CREATE INDEX src_d ON src(d);
             CREATE TABLE calendar (d TEXT PRIMARY KEY);`);
    const ins = db.prepare('INSERT INTO src VALUES (?, ?, ?)');
    const cal = db.prepare('INSERT INTO calendar VALUES (?)');
    db.transaction(() => {
      dates.forEach((d, i) => {
        cal.run(d);
        for (let k = 0; k < 30; k++) ins.run(d, k, (i * 7 + k * 13) % 100);
      });
    })();
  } finally {
    db.close();
  }
  const steps = Array.from({ length: STEPS }, (_, i) => {
    const t = `t${i}`;
    const ddl = `CREATE TABLE IF NOT EXISTS ${t} (d TEXT NOT NULL, k INTEGER NOT NULL, v INTEGER)`;
    return `      - { id: ${t}, table: ${t}, sql: "SELECT d, k, v + ${i} AS v FROM src WHERE d = @partition", ddl: "${ddl}", concurrency: 2 }`;
  });
  const plan = join(dir, 'plan.yaml');
  writeFileSync(
    plan,
    `version: 1
name: cli-bench
range: { start: ${dates[0]}, end: ${dates[dates.length - 1]} }
warehouse: { kind: sqlite, path: warehouse.db }
partitionColumn: d
partitions: SELECT d AS partition FROM calendar WHERE d BETWEEN @start AND @end
maxConcurrency: 4
prerequisites:
  tables: [src, calendar]
phases:
  - id: p1
    steps:
${steps.join('\n')}
    gate: { minCoverage: 1 }
`,
  );
  return { dir, plan, units: STEPS * DATES };
}
