// The WAL checkpoint worker: checkpoints run on its own connection (the database file takes the pages while the
// writer's threshold is far off), a worker that cannot start hands checkpoints back to the writer, and closing the
// store waits for the worker so the writer's close folds the WAL into the file.
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../../store/checkpointer.js';
import { openEventStore, openStore, SqliteEventStore } from '../../store/index.js';
import { createRun, removeTempDirs, started, succeeded, tempDbFile } from './helpers.js';

afterAll(removeTempDirs);

const POLICY = { commits: 4, events: 1000 };

describe('WAL checkpoint worker', () => {
  it("copies the WAL into the database file on the worker's connection", async () => {
    const file = tempDbFile();
    const store = openStore(file, { checkpoint: POLICY });
    const run = createRun(store);
    const before = statSync(file).size;
    let seq = store.head(run).seq;
    // Well under the writer's own threshold (thousands of pages): only the worker checkpoints here.
    for (let i = 0; i < 40; i++) {
      seq = store.append(run, seq, [started('s', `p${i}`), succeeded('s', `p${i}`, i)]).at(-1)?.seq ?? seq;
    }
    const ck = store.checkpointer;
    expect(ck?.running).toBe(true);
    await ck?.idle();
    expect(ck?.completed).toBeGreaterThan(0);
    expect(statSync(file).size).toBeGreaterThan(before);
    // What the worker copied is what the writer committed: a fresh reader sees every event.
    const reader = openStore(file, { readonly: true });
    expect(reader.verifyChain(run)).toEqual({ ok: true, count: seq });
    reader.close();
    store.close();
  });

  it('waits for the worker on close, so the last connection folds the WAL back and removes it', async () => {
    const file = tempDbFile();
    const store = await openEventStore(file, { checkpoint: POLICY });
    if (!(store instanceof SqliteEventStore)) throw new Error('expected the SQLite store');
    const run = createRun(store.sync);
    let seq = 0;
    for (let i = 0; i < 12; i++) {
      seq = (await store.append(run, seq, [started('s', `p${i}`)])).at(-1)?.seq ?? seq;
    }
    expect(store.sync.checkpointer?.running).toBe(true);
    await store.close();
    expect(store.sync.checkpointer?.running).toBe(false);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('keeps checkpointing for a writer whose loop never turns (each append a resolved promise)', async () => {
    const file = tempDbFile();
    const store = await openEventStore(file, { checkpoint: POLICY });
    if (!(store instanceof SqliteEventStore)) throw new Error('expected the SQLite store');
    const run = createRun(store.sync);
    const ck = store.sync.checkpointer;
    let seq = 0;
    // No timer, no I/O callback runs in this loop: the worker's finished checkpoints are seen all the same.
    for (let i = 0; i < 20_000 && (ck?.completed ?? 0) < 3; i++) {
      seq = (await store.append(run, seq, [started('s', `p${i}`)])).at(-1)?.seq ?? seq;
    }
    expect(ck?.completed).toBeGreaterThanOrEqual(3);
    await store.close();
  });

  it('hands checkpoints back to the writer when the worker cannot start', async () => {
    const file = tempDbFile();
    openStore(file).close();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 4096');
    const ck = new WalCheckpointer(db, file, {
      policy: { commits: 1, events: 1 },
      normalPages: 4096,
      safetyNetPages: 16384,
      driver: '/nonexistent/better-sqlite3.js',
    });
    ck.committed(1);
    await ck.idle();
    expect(ck.running).toBe(false);
    expect(ck.completed).toBe(0);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(4096);
    // Not retried: later commits leave it off.
    ck.committed(1);
    expect(ck.running).toBe(false);
    db.close();
  });

  it('is not started for read-only or in-memory stores, nor when turned off', () => {
    const file = tempDbFile();
    openStore(file).close();
    const stores = [
      openStore(file, { readonly: true }),
      openStore(':memory:'),
      openStore(file, { checkpoint: false }),
      openStore(file),
    ];
    expect(stores.map((s) => s.checkpointer !== undefined)).toEqual([false, false, false, true]);
    for (const s of stores) s.close();
  });
});
