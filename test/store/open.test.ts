// Opening files: pragmas, parent directory creation, read-only mode, and DB_INVALID for files that are not ours.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PhasedError } from '../../machines/index.js';
import { openStore, SCHEMA_VERSION, type SqliteStore } from '../../store/index.js';
import { appendAll, createRun, ev, removeTempDirs, tempDbFile, tempDir } from './helpers.js';

afterAll(removeTempDirs);

function thrown(fn: () => unknown): PhasedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PhasedError) return err;
    throw err;
  }
  throw new Error('expected a PhasedError');
}

function pragma(file: string, name: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
}

describe('openStore', () => {
  it('creates the parent directory, a WAL database at the current schema version, and reopens it', () => {
    const file = join(tempDir(), '.phased', 'nested', 'phased.db');
    const store = openStore(file);
    createRun(store, 'r1');
    appendAll(store, 'r1', [ev('RUN_CREATED')]);
    store.close();
    expect(existsSync(file)).toBe(true);
    expect(pragma(file, 'journal_mode')).toBe('wal');
    expect(pragma(file, 'user_version')).toBe(SCHEMA_VERSION);
    const again = openStore(file, { snapshotEvery: 50 });
    expect(again.snapshotEvery).toBe(50);
    expect(again.head('r1').seq).toBe(1);
    again.close();
  });

  it('uses synchronous NORMAL by default and FULL on request, with a busy timeout', () => {
    const file = tempDbFile();
    const stores: SqliteStore[] = [openStore(file), openStore(file, { synchronous: 'FULL' })];
    const [normal, full] = stores.map((s) => {
      // The pragma is per connection: read it through the store's own connection.
      const db = (s as unknown as { db: Database.Database }).db;
      return {
        sync: db.pragma('synchronous', { simple: true }),
        busy: db.pragma('busy_timeout', { simple: true }),
      };
    });
    for (const s of stores) s.close();
    expect(normal).toEqual({ sync: 1, busy: 5000 });
    expect(full).toEqual({ sync: 2, busy: 5000 });
  });

  it('defaults snapshotEvery to 64 and rejects a bad one', () => {
    const store = openStore(tempDbFile());
    expect(store.snapshotEvery).toBe(64);
    store.close();
    expect(thrown(() => openStore(tempDbFile(), { snapshotEvery: 0 })).code).toBe('BAD_ARGUMENT');
  });

  it('refuses a text file with DB_INVALID naming the file', () => {
    const file = join(tempDir(), 'notes.txt');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(20));
    const err = thrown(() => openStore(file));
    expect(err.code).toBe('DB_INVALID');
    expect(err.message).toContain(file);
    expect(err.message).toContain('is not an SQLite database');
    expect(thrown(() => openStore(file, { readonly: true })).code).toBe('DB_INVALID');
  });

  it('refuses an SQLite database that is not phased’s, listing its tables', () => {
    const file = tempDbFile();
    const db = new Database(file);
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE orders (id INTEGER)');
    db.close();
    const err = thrown(() => openStore(file));
    expect(err.code).toBe('DB_INVALID');
    expect(err.message).toContain(file);
    expect(err.message).toContain('not a phased one (tables: customers, orders)');
    // Nothing was added to the foreign file.
    const check = new Database(file, { readonly: true });
    const tables = check
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    check.close();
    expect(tables).toEqual(['customers', 'orders']);
  });

  it('refuses a database written by a newer schema', () => {
    const file = tempDbFile();
    openStore(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const err = thrown(() => openStore(file));
    expect(err.code).toBe('DB_INVALID');
    expect(err.message).toMatch(/newer phased \(schema version \d+/);
  });

  it('read-only: a missing file is DB_INVALID naming it and is not created', () => {
    const file = join(tempDir(), 'missing.db');
    const err = thrown(() => openStore(file, { readonly: true }));
    expect(err.code).toBe('DB_INVALID');
    expect(err.message).toContain(`${file} does not exist`);
    expect(existsSync(file)).toBe(false);
  });

  it('read-only: reads runs and events, refuses writes with BAD_ARGUMENT', () => {
    const file = tempDbFile();
    const writer = openStore(file);
    createRun(writer, 'r1');
    appendAll(writer, 'r1', [ev('RUN_CREATED'), ev('PAUSED', { by: 'me' }, { status: 'paused' })]);
    const reader = openStore(file, { readonly: true });
    expect(reader.requireRun('r1').status).toBe('paused');
    expect([...reader.events('r1')].map((e) => e.type)).toEqual(['RUN_CREATED', 'PAUSED']);
    expect(reader.verifyChain('r1')).toEqual({ ok: true, count: 2 });
    expect(thrown(() => appendAll(reader, 'r1', [ev('RESUMED')])).code).toBe('BAD_ARGUMENT');
    expect(thrown(() => reader.acquireLease('r1', 'me', 1000)).message).toContain('opened read-only');
    reader.close();
    writer.close();
  });
});
