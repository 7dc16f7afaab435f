// The PostgreSQL store's schema as versioned migrations (the SQLite store's tables, plus the lease epoch and the
// append/projection functions), applied once under an advisory lock so that processes starting together on a
// new database do not race. Owns DDL and the migrations table only.

import type pg from 'pg';
import { PhasedError } from '../../machines/index.js';
import { SQLSTATE } from './errors.js';

/** The channel appends, new runs and lease changes notify on: `<schema>_events` (payload: the run id). */
export function channelFor(schema: string): string {
  return `${schema}_events`;
}

// Text keys compare bytewise (COLLATE "C"), as SQLite's do: units and runs list in the same order on both.
const TABLES = `
CREATE TABLE runs (
  run_id           TEXT COLLATE "C" PRIMARY KEY,
  plan_name        TEXT NOT NULL,
  plan_hash        TEXT NOT NULL,
  plan_json        TEXT NOT NULL,
  machine_version  TEXT NOT NULL,
  created_at       TEXT COLLATE "C" NOT NULL,
  status           TEXT NOT NULL DEFAULT 'created',
  state_json       TEXT,
  owner            TEXT,
  lease_expires_at TEXT COLLATE "C",
  lease_epoch      BIGINT NOT NULL DEFAULT 0,
  created_order    BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX runs_claimable ON runs (created_order) WHERE status IN ('created', 'running');
CREATE TABLE run_heads (
  run_id     TEXT COLLATE "C" PRIMARY KEY,
  head_seq   BIGINT NOT NULL DEFAULT 0,
  head_hash  TEXT NOT NULL DEFAULT '',
  updated_at TEXT,
  status     TEXT NOT NULL DEFAULT 'created',
  state_json TEXT
);
CREATE TABLE events (
  run_id    TEXT COLLATE "C" NOT NULL,
  seq       BIGINT NOT NULL,
  at        TEXT NOT NULL,
  type      TEXT COLLATE "C" NOT NULL,
  data      TEXT NOT NULL,
  state     TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX events_plan ON events (run_id, seq) WHERE type IN ('RUN_CREATED', 'PLAN_CHANGE_ACCEPTED');
CREATE TABLE snapshots (
  run_id   TEXT COLLATE "C" NOT NULL,
  seq      BIGINT NOT NULL,
  snapshot TEXT NOT NULL,
  hash     TEXT NOT NULL,
  digest   TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE units (
  run_id      TEXT COLLATE "C" NOT NULL,
  step        TEXT COLLATE "C" NOT NULL,
  "partition" TEXT COLLATE "C" NOT NULL,
  status      TEXT NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  "rows"      BIGINT,
  job_ref     TEXT,
  error       TEXT,
  last_seq    BIGINT NOT NULL,
  PRIMARY KEY (run_id, step, "partition")
);
`;

// The units projection's statements, one per operation unit-ops.ts emits; the same as store/projection.ts's.
const APPLY_UNIT_OPS = `
CREATE FUNCTION apply_unit_ops(p_run text, k text[], st text[], pa text[], stat text[], att int[],
  rw bigint[], job text[], er text[], sq bigint[], parts text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..coalesce(cardinality(k), 0) LOOP
    CASE k[i]
    WHEN 'pending' THEN
      INSERT INTO units (run_id, step, "partition", status, attempts, "rows", job_ref, error, last_seq)
      VALUES (p_run, st[i], pa[i], 'pending', 0, NULL, NULL, NULL, sq[i]) ON CONFLICT DO NOTHING;
    WHEN 'started' THEN
      INSERT INTO units (run_id, step, "partition", status, attempts, "rows", job_ref, error, last_seq)
      VALUES (p_run, st[i], pa[i], 'started', att[i], NULL, job[i], NULL, sq[i])
      ON CONFLICT (run_id, step, "partition") DO UPDATE SET status = 'started', attempts = excluded.attempts,
        job_ref = excluded.job_ref, last_seq = excluded.last_seq;
    WHEN 'succeeded' THEN
      INSERT INTO units (run_id, step, "partition", status, attempts, "rows", job_ref, error, last_seq)
      VALUES (p_run, st[i], pa[i], 'succeeded', att[i], rw[i], NULL, NULL, sq[i])
      ON CONFLICT (run_id, step, "partition") DO UPDATE SET status = 'succeeded', attempts = excluded.attempts,
        "rows" = excluded."rows", error = NULL, last_seq = excluded.last_seq;
    WHEN 'failed' THEN
      INSERT INTO units (run_id, step, "partition", status, attempts, "rows", job_ref, error, last_seq)
      VALUES (p_run, st[i], pa[i], stat[i], att[i], NULL, NULL, er[i], sq[i])
      ON CONFLICT (run_id, step, "partition") DO UPDATE SET status = excluded.status,
        attempts = excluded.attempts, error = excluded.error, last_seq = excluded.last_seq;
    WHEN 'reopen' THEN
      UPDATE units SET status = 'pending', last_seq = sq[i]
      WHERE run_id = p_run AND step = st[i] AND status = 'failed'
        AND (parts[i] IS NULL OR "partition" IN (SELECT jsonb_array_elements_text(parts[i]::jsonb)));
    END CASE;
  END LOOP;
END $$;
`;

/** Both append functions' fencing check: the appender still holds the run's lease at its epoch (read-locked). */
const LEASE_CHECK = `  IF p_owner IS NOT NULL THEN
    PERFORM 1 FROM runs WHERE run_id = p_run AND owner = p_owner AND lease_epoch = p_epoch FOR SHARE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'lease lost' USING ERRCODE = '${SQLSTATE.leaseLost}';
    END IF;
  END IF;`;

// One append in one statement (so one round trip and one commit): lock the head, check the lease's epoch and the
// expected seq, insert the hash-chained rows (hashed by the caller), fold the projection, move the head. It
// notifies only when asked (events other processes act on) or when the run's status changes: a transaction that
// NOTIFYs holds a database-wide lock through its commit, so notifying every unit would serialize all commits.
const appendEvents = (channel: string) => `
CREATE FUNCTION append_events(p_run text, p_expected bigint, p_prev text, p_owner text, p_epoch bigint,
  p_at text[], p_type text[], p_data text[], p_state text[], p_hash text[], p_status text,
  k text[], st text[], pa text[], stat text[], att int[], rw bigint[], job text[], er text[], sq bigint[],
  parts text[], p_plan_json text, p_plan_hash text, p_notify boolean) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  h record;
  n int := coalesce(cardinality(p_type), 0);
BEGIN
  SELECT head_seq, head_hash, status, state_json INTO h FROM run_heads WHERE run_id = p_run FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'run % not found', p_run USING ERRCODE = '${SQLSTATE.runNotFound}';
  END IF;
${LEASE_CHECK}
  IF h.head_seq <> p_expected THEN
    RAISE EXCEPTION '%', h.head_seq USING ERRCODE = '${SQLSTATE.conflict}';
  END IF;
  IF h.head_hash <> p_prev THEN
    RAISE EXCEPTION '%', h.head_seq USING ERRCODE = '${SQLSTATE.headMismatch}';
  END IF;
  IF n = 0 THEN
    RETURN h.head_seq;
  END IF;
  IF p_plan_json IS NOT NULL THEN
    UPDATE runs SET plan_json = p_plan_json, plan_hash = p_plan_hash WHERE run_id = p_run;
  END IF;
  INSERT INTO events (run_id, seq, at, type, data, state, prev_hash, hash)
  SELECT p_run, p_expected + i, p_at[i], p_type[i], p_data[i], p_state[i],
         CASE WHEN i = 1 THEN p_prev ELSE p_hash[i - 1] END, p_hash[i]
  FROM generate_series(1, n) AS i;
  IF cardinality(k) > 0 THEN
    PERFORM apply_unit_ops(p_run, k, st, pa, stat, att, rw, job, er, sq, parts);
  END IF;
  UPDATE run_heads SET head_seq = p_expected + n, head_hash = p_hash[n], updated_at = p_at[n],
    status = p_status, state_json = p_state[n]
  WHERE run_id = p_run;
  -- The runs row (with its frozen plan) is rewritten only when its status or state changes.
  IF p_status IS DISTINCT FROM h.status OR p_state[n] IS DISTINCT FROM h.state_json THEN
    UPDATE runs SET status = p_status, state_json = p_state[n] WHERE run_id = p_run;
  END IF;
  IF p_notify OR p_status IS DISTINCT FROM h.status THEN
    PERFORM pg_notify('${channel}', p_run);
  END IF;
  RETURN p_expected + n;
END $$;
`;

// Version 2 of append_events: the same transaction in fewer statements and parameters. The events and the unit
// operations come as two JSON arrays (one parameter each instead of twenty array parameters); one UPDATE of the
// head both checks the expected seq and hash and moves the head (the failure's cause is looked up only when it
// matched no row); and when each operation changes a different unit (every batch a driver appends while running
// units) the projection is one set-based upsert, its columns chosen by the status as apply_unit_ops's statements
// choose them. Other batches (a baseline's pending rows, a re-open, one unit twice) still go through apply_unit_ops.
const appendEventsV2 = (channel: string) => `
DROP FUNCTION append_events(text, bigint, text, text, bigint, text[], text[], text[], text[], text[], text,
  text[], text[], text[], text[], int[], bigint[], text[], text[], bigint[], text[], text, text, boolean);
CREATE FUNCTION append_events(p_run text, p_expected bigint, p_prev text, p_owner text, p_epoch bigint,
  p_events json, p_n int, p_hash text, p_at text, p_state text, p_status text, p_ops json, p_upsert boolean,
  p_plan_json text, p_plan_hash text, p_notify boolean) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  h record;
  missed boolean := p_n = 0;
  old_status text;
  old_state text;
  written int;
BEGIN
  IF p_n > 0 THEN
    UPDATE run_heads AS r SET head_seq = p_expected + p_n, head_hash = p_hash, updated_at = p_at,
      status = p_status, state_json = p_state
    FROM run_heads AS o
    WHERE r.run_id = p_run AND o.run_id = p_run AND r.head_seq = p_expected AND r.head_hash = p_prev
    RETURNING o.status, o.state_json INTO old_status, old_state;
    missed := NOT FOUND;
  END IF;
  IF missed THEN
    SELECT head_seq, head_hash INTO h FROM run_heads WHERE run_id = p_run FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'run % not found', p_run USING ERRCODE = '${SQLSTATE.runNotFound}';
    END IF;
  END IF;
${LEASE_CHECK}
  IF missed THEN
    -- No event to write, or the head did not match: say which way, as version 1 did.
    IF h.head_seq <> p_expected THEN
      RAISE EXCEPTION '%', h.head_seq USING ERRCODE = '${SQLSTATE.conflict}';
    END IF;
    IF h.head_hash <> p_prev THEN
      RAISE EXCEPTION '%', h.head_seq USING ERRCODE = '${SQLSTATE.headMismatch}';
    END IF;
    IF p_n > 0 THEN
      -- The head matches now but did not then (it moved in between): the caller reads it again.
      RAISE EXCEPTION '%', h.head_seq USING ERRCODE = '${SQLSTATE.conflict}';
    END IF;
    RETURN h.head_seq;
  END IF;
  IF p_plan_json IS NOT NULL THEN
    UPDATE runs SET plan_json = p_plan_json, plan_hash = p_plan_hash WHERE run_id = p_run;
  END IF;
  INSERT INTO events (run_id, seq, at, type, data, state, prev_hash, hash)
  SELECT p_run, p_expected + e.i, e.at, e.type, e.data, e.state, e.prev_hash, e.hash
  FROM ROWS FROM (json_to_recordset(p_events)
    AS (at text, type text, data text, state text, "prevHash" text, hash text))
    WITH ORDINALITY AS e(at, type, data, state, prev_hash, hash, i);
  GET DIAGNOSTICS written = ROW_COUNT;
  IF written <> p_n THEN
    RAISE EXCEPTION 'append to run %: % events sent, % announced', p_run, written, p_n;
  END IF;
  IF p_ops IS NOT NULL AND p_upsert THEN
    INSERT INTO units AS u (run_id, step, "partition", status, attempts, "rows", job_ref, error, last_seq)
    SELECT p_run, o.st, o.pa, o.stat, o.att, o.rw, o.job, o.er, o.sq
    FROM json_to_recordset(p_ops)
      AS o(st text, pa text, stat text, att int, rw bigint, job text, er text, sq bigint)
    ON CONFLICT (run_id, step, "partition") DO UPDATE SET status = excluded.status,
      attempts = excluded.attempts,
      "rows" = CASE WHEN excluded.status = 'succeeded' THEN excluded."rows" ELSE u."rows" END,
      job_ref = CASE WHEN excluded.status = 'started' THEN excluded.job_ref ELSE u.job_ref END,
      error = CASE WHEN excluded.status = 'started' THEN u.error ELSE excluded.error END,
      last_seq = excluded.last_seq;
  ELSIF p_ops IS NOT NULL THEN
    PERFORM apply_unit_ops(p_run, array_agg(o.k ORDER BY o.i), array_agg(o.st ORDER BY o.i),
      array_agg(o.pa ORDER BY o.i), array_agg(o.stat ORDER BY o.i), array_agg(o.att ORDER BY o.i),
      array_agg(o.rw ORDER BY o.i), array_agg(o.job ORDER BY o.i), array_agg(o.er ORDER BY o.i),
      array_agg(o.sq ORDER BY o.i), array_agg(o.parts ORDER BY o.i))
    FROM ROWS FROM (json_to_recordset(p_ops) AS (k text, st text, pa text, stat text, att int, rw bigint,
      job text, er text, sq bigint, parts text)) WITH ORDINALITY AS o(k, st, pa, stat, att, rw, job, er, sq, parts, i);
  END IF;
  -- The runs row (with its frozen plan) is rewritten only when its status or state changes.
  IF p_status IS DISTINCT FROM old_status OR p_state IS DISTINCT FROM old_state THEN
    UPDATE runs SET status = p_status, state_json = p_state WHERE run_id = p_run;
  END IF;
  IF p_notify OR p_status IS DISTINCT FROM old_status THEN
    PERFORM pg_notify('${channel}', p_run);
  END IF;
  RETURN p_expected + p_n;
END $$;
`;

/** Migration i (0-based) brings the schema from version i to i + 1. Never edit one that shipped: append. */
export const PG_MIGRATIONS: readonly ((channel: string) => string)[] = [
  (channel) => TABLES + APPLY_UNIT_OPS + appendEvents(channel),
  appendEventsV2,
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** The schema's version: 0 when the schema or its migrations table does not exist yet. */
export async function schemaVersion(c: pg.ClientBase): Promise<number> {
  try {
    const r = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return r.rows[0]?.v ?? 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '42P01' || code === '3F000') return 0;
    throw err;
  }
}

/** Brings `schema` up to date; safe when several processes call it at once (one migrates, the others wait). */
export async function migratePg(c: pg.ClientBase, schema: string): Promise<void> {
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`phased.migrate.${schema}`]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.query(`SET LOCAL search_path = ${schema}`);
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const from = await schemaVersion(c);
    for (let v = from; v < PG_MIGRATIONS.length; v++) {
      await c.query(PG_MIGRATIONS[v](channelFor(schema)));
      await c.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
    }
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** DB_INVALID for a schema written by a newer phased. */
export function tooNew(location: string, schema: string, version: number): PhasedError {
  return new PhasedError(
    'DB_INVALID',
    `schema ${schema} at ${location} was written by a newer phased (schema version ${version}; this one knows up to ${PG_SCHEMA_VERSION}). Upgrade phased to use it.`,
    { details: { location, schema, version } },
  );
}
