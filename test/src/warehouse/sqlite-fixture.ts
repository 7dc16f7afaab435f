// Temp-dir SQLite warehouses for the warehouse tests: a real file, seeded with the contract's rows.
// Shared by the SQLite test files; the contract cases themselves live in contract.ts.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteWarehouse } from '../../../src/warehouse/index.js';
import { CONTRACT_ROWS, type ContractFixture } from './contract.js';

export interface SqliteFixture extends ContractFixture {
  wh: SqliteWarehouse;
  dir: string;
  path: string;
}

/** A fresh warehouse file with `src` (seeded) and `dst` (empty), both (day TEXT, k INTEGER, v TEXT). */
export async function makeSqliteFixture(poolSize = 3): Promise<SqliteFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'phased-wh-'));
  const path = join(dir, 'warehouse.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE src (day TEXT, k INTEGER, v TEXT);
           CREATE TABLE dst (day TEXT, k INTEGER, v TEXT);`);
  const ins = db.prepare('INSERT INTO src (day, k, v) VALUES (@day, @k, @v)');
  for (const r of CONTRACT_ROWS) ins.run(r);
  db.close();
  const wh = new SqliteWarehouse(path, { poolSize });
  return {
    wh,
    dir,
    path,
    source: 'src',
    target: 'dst',
    async close() {
      await wh.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
