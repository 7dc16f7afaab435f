// Where an append's time goes, on raw better-sqlite3 with the store's own tables (built by its migrations):
// the event row alone, plus the units projection upsert, plus the run-head update (run_heads), and a leaner
// event row (binary hashes, no per-event state text). CPU µs per event, so other load matters less.

import Database from 'better-sqlite3';
import { migrate } from '../../store/index.js';

export type Part = 'event' | 'units' | 'head' | 'lean';

/** The lean variant's event table: the store's columns with binary hashes and no per-event state text. */
const LEAN_DDL = `CREATE TABLE events_lean (run_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, state TEXT, prev_hash BLOB, hash BLOB NOT NULL,
  PRIMARY KEY (run_id, seq)) WITHOUT ROWID;`;

const RUN = 'r20240101-1200-abcd';
const HEX = 'a'.repeat(64);
const BIN = Buffer.alloc(32, 7);
const STATE = JSON.stringify({
  active: { 'phase:p1': { 'group:0': { 'step:s0': 'running', 'step:s1': 'running' } } },
});
const DATA = JSON.stringify({ step: 's0', partition: '2024-01-01', attempt: 1, rows: 1234, ms: 12 });

export interface Anatomy {
  /** Writes events [from, from + n) in one IMMEDIATE transaction. */
  write(from: number, n: number): void;
  close(): void;
}

/** A fresh database with the store's tables and one run, ready to take the listed parts of an append. */
function openAnatomy(file: string, parts: Part[]): Anatomy {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The store's own tables, from its migrations, so these figures cannot drift from the real schema.
  db.transaction(() => migrate(db, 0))();
  db.exec(LEAN_DDL);
  db.prepare(
    `INSERT INTO runs (run_id, plan_name, plan_hash, plan_json, machine_version, created_at)
     VALUES (?, 'p', 'h', '{}', 'v', '')`,
  ).run(RUN);
  db.prepare('INSERT INTO run_heads (run_id) VALUES (?)').run(RUN);
  const lean = parts.includes('lean');
  const ins = db.prepare(`INSERT INTO ${lean ? 'events_lean' : 'events'} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  // The projection's UNIT_STARTED upsert and the append's head update, as store/ writes them.
  const unit = db.prepare(
    `INSERT INTO units (run_id, step, "partition", status, attempts, "rows", job_ref, error, last_seq)
     VALUES (?, 's0', ?, 'started', 1, NULL, NULL, NULL, ?)
     ON CONFLICT (run_id, step, "partition") DO UPDATE SET status = 'started', attempts = excluded.attempts,
       job_ref = excluded.job_ref, last_seq = excluded.last_seq`,
  );
  const head = db.prepare(
    'UPDATE run_heads SET status = ?, state_json = ?, head_seq = ?, head_hash = ?, updated_at = ? WHERE run_id = ?',
  );
  const at = new Date().toISOString();
  const tx = db.transaction((from: number, n: number) => {
    for (let i = from; i < from + n; i++) {
      if (lean) ins.run(RUN, i, at, 'UNIT_SUCCEEDED', DATA, null, null, BIN);
      else ins.run(RUN, i, at, 'UNIT_SUCCEEDED', DATA, STATE, HEX, HEX);
      if (parts.includes('units')) unit.run(RUN, `p${i >> 1}`, i);
    }
    if (parts.includes('head')) head.run('running', STATE, from + n - 1, HEX, at, RUN);
  });
  return { write: (from, n) => tx.immediate(from, n), close: () => db.close() };
}

function writeAll(a: Anatomy, events: number, batch: number): void {
  for (let i = 1; i <= events; i += batch) a.write(i, Math.min(batch, events - i + 1));
}

/** CPU µs per event for `events` events in transactions of `batch`, writing the listed parts. */
export function appendAnatomy(file: string, parts: Part[], events: number, batch: number): number {
  const a = openAnatomy(file, parts);
  try {
    const c0 = process.cpuUsage();
    writeAll(a, events, batch);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / events;
  } finally {
    a.close();
  }
}

/**
 * The append contract's writes on raw SQL, one transaction per call: `write(from, n)` writes events
 * [from, from + n) with their units upserts and the run head. The makespan scenario's commit floor calls it.
 */
export function openRawContract(file: string): Anatomy {
  return openAnatomy(file, ['event', 'units', 'head']);
}

/**
 * The append contract's floor: events per second (wall clock) of the same three writes an append makes
 * (event row, units upsert, run head) in raw SQL, `batch` events per transaction. The store's rate over
 * this one is append_contract_ratio_*.
 */
export function rawContractRate(file: string, events: number, batch: number): number {
  const a = openRawContract(file);
  try {
    const t0 = performance.now();
    writeAll(a, events, batch);
    return events / ((performance.now() - t0) / 1000);
  } finally {
    a.close();
  }
}
