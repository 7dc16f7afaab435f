// The physical floor: raw better-sqlite3 inserts of event-sized rows in WAL mode, no phased code at all.
// append_floor_ratio divides the store's rate by this one, measured in the same process minutes apart.

import Database from 'better-sqlite3';

export interface FloorOptions {
  file: string;
  rows: number;
  /** Rows per transaction (1 = autocommit per row). */
  batch: number;
  synchronous: 'NORMAL' | 'FULL';
}

/** Rows per second. */
export function rawInsertRate(o: FloorOptions): number {
  const db = new Database(o.file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${o.synchronous}`);
    db.exec('CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, data TEXT NOT NULL)');
    const ins = db.prepare('INSERT INTO t (data) VALUES (?)');
    const payload = JSON.stringify({ step: 's0', partition: '2024-01-01', attempt: 1, rows: 1234, ms: 12 });
    const many = db.transaction((n: number) => {
      for (let j = 0; j < n; j++) ins.run(payload);
    });
    const t0 = performance.now();
    if (o.batch === 1) for (let i = 0; i < o.rows; i++) ins.run(payload);
    else for (let i = 0; i < o.rows; i += o.batch) many.immediate(Math.min(o.batch, o.rows - i));
    return o.rows / ((performance.now() - t0) / 1000);
  } finally {
    db.close();
  }
}
