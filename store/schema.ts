// The store's schema as an ordered list of migrations; PRAGMA user_version records how many ran.
// Owns DDL only: opening files, pragmas and validation live in open.ts.

import type Database from 'better-sqlite3';

/** Marks a database file as phased's (PRAGMA application_id): 'phsd'. */
export const APPLICATION_ID = 0x70687364;

/** Migration i (0-based) brings user_version from i to i + 1. Never edit one that shipped: append. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    run_id           TEXT PRIMARY KEY,
    plan_name        TEXT NOT NULL,
    plan_hash        TEXT NOT NULL,
    plan_json        TEXT NOT NULL,
    machine_version  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'created',
    state_json       TEXT,
    owner            TEXT,
    lease_expires_at TEXT,
    head_seq         INTEGER NOT NULL DEFAULT 0,
    head_hash        TEXT NOT NULL DEFAULT '',
    updated_at       TEXT
  );
  CREATE TABLE events (
    run_id    TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    at        TEXT NOT NULL,
    type      TEXT NOT NULL,
    data      TEXT NOT NULL,
    state     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE snapshots (
    run_id   TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    hash     TEXT NOT NULL,
    digest   TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
  );
  CREATE TABLE units (
    run_id      TEXT NOT NULL,
    step        TEXT NOT NULL,
    "partition" TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    "rows"      INTEGER,
    job_ref     TEXT,
    error       TEXT,
    last_seq    INTEGER NOT NULL,
    PRIMARY KEY (run_id, step, "partition")
  ) WITHOUT ROWID;
  `,
  // Version 2: the run's hot head moves out of runs, whose row carries the frozen plan (tens of KB) and was rewritten in
  // full on every append. runs.status/state_json stay the record and are updated in the append's transaction
  // only when they change; run_heads keeps copies to compare against.
  `
  CREATE TABLE run_heads (
    run_id     TEXT PRIMARY KEY,
    head_seq   INTEGER NOT NULL DEFAULT 0,
    head_hash  TEXT NOT NULL DEFAULT '',
    updated_at TEXT,
    status     TEXT NOT NULL DEFAULT 'created',
    state_json TEXT
  ) WITHOUT ROWID;
  INSERT INTO run_heads (run_id, head_seq, head_hash, updated_at, status, state_json)
    SELECT run_id, head_seq, head_hash, updated_at, status, state_json FROM runs;
  ALTER TABLE runs DROP COLUMN head_seq;
  ALTER TABLE runs DROP COLUMN head_hash;
  ALTER TABLE runs DROP COLUMN updated_at;
  `,
  // Version 3: the events that fix a run's plan (RUN_CREATED, PLAN_CHANGE_ACCEPTED), found without a scan, so a
  // resume can check the frozen plan against the hash the log recorded. Partial: other appends skip it.
  `
  CREATE INDEX events_plan ON events (run_id, seq) WHERE type IN ('RUN_CREATED', 'PLAN_CHANGE_ACCEPTED');
  `,
  // Version 4: the lease's fencing epoch, moved on each time the lease changes hands; an append carrying an older one fails.
  `
  ALTER TABLE runs ADD COLUMN lease_epoch INTEGER NOT NULL DEFAULT 0;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Applies the migrations past `from` and stamps the file as ours; the caller holds a write transaction. */
export function migrate(db: Database.Database, from: number): void {
  for (let v = from; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
