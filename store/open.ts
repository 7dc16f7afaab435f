// Opens a phased database file: refuses foreign files, sets WAL and pragmas, runs migrations.
// Owns the connection's life cycle, not the SQL of any store operation.

import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PhasedError } from '../machines/index.js';
import { snapshotInterval } from './api.js';
import { WalCheckpointer } from './checkpointer.js';
import { APPLICATION_ID, migrate, SCHEMA_VERSION } from './schema.js';
import { SqliteStore } from './store.js';
import type { StoreOptions } from './types.js';

const SQLITE_HEADER = 'SQLite format 3\u0000';
const BUSY_TIMEOUT_MS = 5000;
/**
 * SQLite's page cache for a store connection, in KiB (better-sqlite3 sets 16 MiB). The store's hot set is a few
 * pages (the log's right edge, the run's head, the units being updated) and its long reads are sequential scans
 * the OS cache serves, so 4 MiB loses nothing and keeps a long replay's memory down.
 */
const PAGE_CACHE_KIB = 4096;
/**
 * Checkpoint the WAL every 16 MiB instead of SQLite's 4 MiB: each append writes ~4 pages, and with
 * synchronous=NORMAL the checkpoints (two fsyncs each) were a quarter of single-append time. This is the writer's
 * own threshold when no checkpoint worker runs (checkpointer.ts); while one does, the writer's is 2× this, a safety
 * net for a worker that falls behind a writer that never pauses (its checkpoint then copies what the worker has
 * not, and the WAL file starts over).
 */
const WAL_AUTOCHECKPOINT_PAGES = 4096;
/** After a checkpoint, truncate the WAL file back to this size so it does not stay at its peak. */
const JOURNAL_SIZE_LIMIT = 32 * 1024 * 1024;

/** Opens (creating when allowed) the event store in `file`. */
export function openStore(file: string, opts: StoreOptions = {}): SqliteStore {
  const snapshotEvery = snapshotInterval(opts.snapshotEvery);
  const db = openDatabase(file, opts);
  const checkpointer =
    db.readonly || db.memory || opts.checkpoint === false
      ? undefined
      : new WalCheckpointer(db, resolve(file), {
          policy: opts.checkpoint,
          normalPages: WAL_AUTOCHECKPOINT_PAGES,
          safetyNetPages: 2 * WAL_AUTOCHECKPOINT_PAGES,
        });
  return new SqliteStore(db, file, snapshotEvery, checkpointer);
}

function invalid(file: string, what: string, cause?: unknown): PhasedError {
  return new PhasedError('DB_INVALID', `${file} ${what}`, { details: { file }, cause });
}

function checkHeader(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) return;
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(16);
  try {
    readSync(fd, buf, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (buf.toString('latin1') !== SQLITE_HEADER) {
    throw invalid(
      file,
      'is not an SQLite database. Point --db (or PHASED_DB) at a phased database, or at a path where a new one may be created.',
    );
  }
}

function openDatabase(file: string, opts: StoreOptions): Database.Database {
  const readonly = opts.readonly ?? false;
  if (readonly && !existsSync(file)) {
    throw invalid(
      file,
      'does not exist, so it holds no runs. Start one with `phased run PLAN`, or point --db (or PHASED_DB) at the database that holds the run.',
    );
  }
  if (!readonly) mkdirSync(dirname(resolve(file)), { recursive: true });
  checkHeader(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    }
    checkIdentity(db, file, readonly);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof PhasedError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw invalid(
      file,
      `cannot be opened as a phased database (${msg}). Check the path and its permissions.`,
      err,
    );
  }
}

function userTables(db: Database.Database): string[] {
  const rows = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return rows;
}

function checkIdentity(db: Database.Database, file: string, readonly: boolean): void {
  const read = () => ({
    appId: db.pragma('application_id', { simple: true }) as number,
    version: db.pragma('user_version', { simple: true }) as number,
  });
  const check = ({ appId, version }: { appId: number; version: number }): boolean => {
    if (appId !== APPLICATION_ID) {
      const tables = userTables(db);
      if (appId !== 0 || version !== 0 || tables.length > 0) {
        const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
        throw invalid(
          file,
          `is an SQLite database but not a phased one (tables: ${shown || 'none'}). Point --db (or PHASED_DB) at a phased database or at a new file.`,
        );
      }
    }
    if (version > SCHEMA_VERSION) {
      throw invalid(
        file,
        `was written by a newer phased (schema version ${version}; this one knows up to ${SCHEMA_VERSION}). Upgrade phased to read it.`,
      );
    }
    return version < SCHEMA_VERSION;
  };
  const first = read();
  if (!check(first)) return;
  if (readonly) {
    throw invalid(
      file,
      first.version === 0
        ? 'is empty: it holds no phased runs. Start one with `phased run PLAN`.'
        : `has schema version ${first.version}; this phased needs ${SCHEMA_VERSION}. Run any writing command (e.g. \`phased resume RUN\`) once to upgrade it.`,
    );
  }
  db.transaction(() => {
    const now = read();
    if (check(now)) migrate(db, now.version);
  }).immediate();
}
