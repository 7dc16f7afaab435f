// A SQLite plan whose steps are scripts (kind: command), for end-to-end tests of command steps.
// The script's mode decides its behaviour; marker files record each attempt (pid, previous attempt alive or not).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dateList, PROJECT_ROOT } from './synthetic.js';

const SCRIPT = `import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
const [mode, partition] = process.argv.slice(2);
const markers = process.env.MARKERS;
const mine = readdirSync(markers).filter((f) => f.startsWith(mode + '.' + partition + '.'));
const attempt = mine.length + 1;
// Was any earlier attempt of this unit still alive when this one started?
const prevAlive = mine.some((f) => {
  const pid = Number(readFileSync(join(markers, f), 'utf8').split(' ')[0]);
  try { process.kill(pid, 0); } catch { return false; }
  // A zombie (killed, not yet reaped by init) is not alive.
  try { return !/\\) Z /.test(readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return true; }
});
writeFileSync(join(markers, mode + '.' + partition + '.' + attempt), process.pid + ' prevAlive=' + prevAlive);
const write = () => {
  const require = createRequire(join(process.env.PHASED_PROJECT_ROOT, 'package.json'));
  const Database = require('better-sqlite3');
  const db = new Database(process.env.WAREHOUSE);
  db.pragma('busy_timeout = 10000');
  db.prepare('DELETE FROM t_' + mode + ' WHERE d = ?').run(partition);
  db.prepare('INSERT INTO t_' + mode + ' (d, v) VALUES (?, 1)').run(partition);
  console.log('wrote ' + partition);
};
if (mode === 'fail') {
  console.error('boom on ' + partition);
  process.exit(1);
}
if ((mode === 'hang' || mode === 'orphan') && attempt === 1) {
  console.log('sleeping');
  await new Promise((r) => setTimeout(r, 120000));
}
write();
`;

export interface CommandProject {
  dir: string;
  plan: string;
  db: string;
  warehouse: string;
  markers: string;
  dates: string[];
}

/** Steps: one per mode (ok, fail, hang, orphan), each `node step.mjs <mode> {partition}` writing t_<mode>. */
export function makeCommandProject(
  dir: string,
  modes: { mode: 'ok' | 'fail' | 'hang' | 'orphan'; timeout?: number; retries?: number }[],
  o: { dates?: number } = {},
): CommandProject {
  const dates = dateList(o.dates ?? 2, '2024-05-01');
  const markers = join(dir, 'markers');
  mkdirSync(markers, { recursive: true });
  const warehouse = join(dir, 'warehouse.db');
  const db = new Database(warehouse);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE calendar (d TEXT PRIMARY KEY)');
  for (const d of dates) db.prepare('INSERT INTO calendar VALUES (?)').run(d);
  db.close();
  writeFileSync(join(dir, 'step.mjs'), SCRIPT);
  const env = `{ MARKERS: "${markers}", WAREHOUSE: "${warehouse}", PHASED_PROJECT_ROOT: "${PROJECT_ROOT}" }`;
  const steps = modes.map(
    (m) => `      - id: ${m.mode}
        table: t_${m.mode}
        kind: command
        command: [node, step.mjs, ${m.mode}, "{partition}"]
        env: ${env}
        ddl: "CREATE TABLE IF NOT EXISTS t_${m.mode} (d TEXT NOT NULL, v INTEGER)"
        concurrency: 2
        retries: ${m.retries ?? 1}${m.timeout ? `\n        timeout: ${m.timeout}` : ''}`,
  );
  const plan = `version: 1
name: commands
range: { start: ${dates[0]}, end: ${dates[dates.length - 1]} }
warehouse: { kind: sqlite, path: warehouse.db }
partitionColumn: d
partitions: SELECT d AS partition FROM calendar WHERE d BETWEEN @start AND @end
maxConcurrency: 8
phases:
  - id: p1
    steps:
${steps.join('\n')}
    gate: { minCoverage: 1 }
`;
  const file = join(dir, 'plan.yaml');
  writeFileSync(file, plan);
  return { dir, plan: file, db: join(dir, 'phased.db'), warehouse, markers, dates };
}
