// A write the event log's file or disk refuses is told as such (the file named, SQLite's code, what to do), from
// SQLite's own errors: a database at its page limit (SQLITE_FULL, as on a full disk) and a file that is not a
// database (SQLITE_NOTADB). Other errors pass through unchanged. Through the store and the CLI, with a real I/O
// error mid-run: test/e2e/disk-errors.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PhasedError } from '../../machines/index.js';
import { storageError } from '../../store/sqlite-errors.js';
import { removeTempDirs, tempDbFile, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** What `fn` threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('storageError', () => {
  it('tells a full database as a retryable BACKEND error naming the file', () => {
    const db = new Database(tempDbFile());
    db.exec('CREATE TABLE t (x BLOB)');
    db.pragma('max_page_count = 3');
    const err = thrown(() => db.prepare('INSERT INTO t VALUES (zeroblob(100000))').run());
    expect((err as { code: string }).code).toBe('SQLITE_FULL');
    const told = storageError(err, '/data/phased.db', 'append events') as PhasedError;
    expect(told).toBeInstanceOf(PhasedError);
    expect(told).toMatchObject({ code: 'BACKEND', retryable: true });
    expect(told.message).toBe(
      'cannot append events: the event log /data/phased.db could not be written (SQLITE_FULL: its disk is full). ' +
        'The log keeps what was written before it; free space on that disk, then try again.',
    );
    db.close();
  });

  it('tells a file that is not a database as DB_INVALID, and passes other errors through', () => {
    const file = join(tempDir(), 'not-a-db');
    writeFileSync(file, 'x'.repeat(4096));
    const db = new Database(file);
    const err = thrown(() => db.exec('CREATE TABLE t (x)'));
    expect((err as { code: string }).code).toBe('SQLITE_NOTADB');
    expect(storageError(err, file, 'create a run')).toMatchObject({ code: 'DB_INVALID', retryable: false });
    db.close();
    const constraint = thrown(() => {
      const m = new Database(':memory:');
      m.exec('CREATE TABLE t (x PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)');
    });
    expect(storageError(constraint, file, 'append events')).toBe(constraint);
    const ours = new PhasedError('CONFLICT', 'seq moved');
    expect(storageError(ours, file, 'append events')).toBe(ours);
  });
});
