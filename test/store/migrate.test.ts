// Stores written at schema version 1 (the run's head on the runs row) open, migrate and continue their runs.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { APPLICATION_ID, eventHash, MIGRATIONS, openStore, SCHEMA_VERSION } from '../../store/index.js';
import { AT, ev, removeTempDirs, tempDbFile } from './helpers.js';

afterAll(removeTempDirs);

const STATE = '{"active":"prerequisites"}';

/** A version-1 file as that release wrote it: two hash-chained events and the head on the runs row. */
function versionOneStore(file: string): string {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(MIGRATIONS[0]);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma('user_version = 1');
    let prev = '';
    const ins = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const [seq, type] of [
      [1, 'RUN_CREATED'],
      [2, 'DRIVER_ATTACHED'],
    ] as const) {
      const hash = eventHash(prev, 'old', seq, type, '{}');
      ins.run('old', seq, AT, type, '{}', STATE, prev, hash);
      prev = hash;
    }
    db.prepare(
      `INSERT INTO runs (run_id, plan_name, plan_hash, plan_json, machine_version, created_at, status, state_json,
         head_seq, head_hash, updated_at) VALUES ('old', 'p', 'h', '{}', 'v', ?, 'running', ?, 2, ?, ?)`,
    ).run(AT, STATE, prev, AT);
    return prev;
  } finally {
    db.close();
  }
}

describe('migration from schema version 1', () => {
  it('moves the head to run_heads and keeps the run readable, verifiable and appendable', () => {
    const file = tempDbFile();
    const headHash = versionOneStore(file);
    const store = openStore(file);
    try {
      expect(store.requireRun('old')).toMatchObject({ status: 'running', stateJson: STATE, headSeq: 2 });
      expect(store.head('old')).toEqual({ seq: 2, hash: headHash });
      expect(store.verifyChain('old')).toMatchObject({ ok: true });
      const [third] = store.append('old', 2, [ev('PAUSE_REQUESTED')]);
      expect(third.seq).toBe(3);
      expect(third.prevHash).toBe(headHash);
      expect(store.verifyChain('old')).toMatchObject({ ok: true });
      expect(store.listRuns().map((r) => r.runId)).toEqual(['old']);
    } finally {
      store.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const columns = (db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name);
      expect(columns).not.toContain('head_seq');
      // Version 3: the partial index the frozen-plan check reads the plan events through.
      expect(
        db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'events_plan'")
          .pluck()
          .get(),
      ).toBe('events_plan');
    } finally {
      db.close();
    }
  });
});
