// Where an append's time goes, on raw better-sqlite3 with the store's own table shapes: the event row
// alone, plus the units projection upsert, plus the runs-row head update, and a leaner event row
// (binary hashes, no per-event state text). CPU µs per event, so other load on the machine matters less.

import Database from 'better-sqlite3';

export type Part = 'event' | 'units' | 'head' | 'lean';

const DDL = `
CREATE TABLE runs (run_id TEXT PRIMARY KEY, plan_json TEXT, status TEXT, state_json TEXT, head_seq INTEGER,
  head_hash TEXT, updated_at TEXT);
CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, type TEXT NOT NULL,
  data TEXT NOT NULL, state TEXT, prev_hash, hash NOT NULL, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
CREATE TABLE units (run_id TEXT NOT NULL, step TEXT NOT NULL, "partition" TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER, last_seq INTEGER, PRIMARY KEY (run_id, step, "partition")) WITHOUT ROWID;
`;

const RUN = 'r20240101-1200-abcd';
const HEX = 'a'.repeat(64);
const BIN = Buffer.alloc(32, 7);
const STATE = JSON.stringify({
  active: { 'phase:p1': { 'group:0': { 'step:s0': 'running', 'step:s1': 'running' } } },
});
const DATA = JSON.stringify({ step: 's0', partition: '2024-01-01', attempt: 1, rows: 1234, ms: 12 });

/** CPU µs per event for `events` events in transactions of `batch`, writing the listed parts. */
export function appendAnatomy(file: string, parts: Part[], events: number, batch: number): number {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(DDL);
    db.prepare("INSERT INTO runs VALUES (?, '{}', 'running', '', 0, '', '')").run(RUN);
    const ins = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const unit = db.prepare(
      `INSERT INTO units VALUES (?, 's0', ?, 'started', 1, ?)
       ON CONFLICT DO UPDATE SET status = excluded.status, last_seq = excluded.last_seq`,
    );
    const head = db.prepare(
      'UPDATE runs SET status = ?, state_json = ?, head_seq = ?, head_hash = ?, updated_at = ? WHERE run_id = ?',
    );
    const lean = parts.includes('lean');
    const at = new Date().toISOString();
    const tx = db.transaction((from: number, n: number) => {
      for (let i = from; i < from + n; i++) {
        if (lean) ins.run(RUN, i, at, 'UNIT_SUCCEEDED', DATA, null, null, BIN);
        else ins.run(RUN, i, at, 'UNIT_SUCCEEDED', DATA, STATE, HEX, HEX);
        if (parts.includes('units')) unit.run(RUN, `p${i >> 1}`, i);
      }
      if (parts.includes('head')) head.run('running', STATE, from + n - 1, HEX, at, RUN);
    });
    const c0 = process.cpuUsage();
    for (let i = 1; i <= events; i += batch) tx.immediate(i, Math.min(batch, events - i + 1));
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / events;
  } finally {
    db.close();
  }
}
