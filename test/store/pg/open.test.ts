// PostgreSQL store: opening creates and migrates the schema once (also when several processes start together),
// refuses a newer schema, fails with a clear bad-input error (host and database named, password never) when the
// server is unreachable or the login is wrong, and signals other writers through changeMark().
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../cli/exit-codes.js';
import { PhasedError } from '../../../machines/index.js';
import { eventHash } from '../../../store/hash.js';
import { channelFor, openPgStore, PG_MIGRATIONS, PG_SCHEMA_VERSION } from '../../../store/pg/index.js';
import { freePort } from '../../support/pg.js';
import { ev, started, succeeded } from '../helpers.js';
import { createRun, usePg } from './helpers.js';

const ctx = usePg();

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

async function openError(url: string): Promise<PhasedError> {
  const err = await openPgStore(url, { schema: ctx.pg.schema() }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PhasedError);
  return err as PhasedError;
}

describe('opening a PostgreSQL store', () => {
  it('creates the schema on first use, records its version, and reports where it is without the password', async () => {
    const store = await ctx.open();
    expect(store.backend).toBe('postgres');
    expect(store.location).toBe(`127.0.0.1:${ctx.pg.port}/postgres`);
    expect(store.location).not.toContain(ctx.pg.password);
    const rows = await ctx.pg.sql(`SELECT version FROM ${store.schema}.schema_migrations ORDER BY version`);
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
    await createRun(store, 'r1');
    // A second open of the same schema sees the run and migrates nothing.
    const again = await ctx.open({ schema: store.schema });
    expect((await again.listRuns()).map((r) => r.runId)).toEqual(['r1']);
  });

  it('upgrades a schema of version 1 holding a run: appends continue its chain, head and units projection', async () => {
    const schema = ctx.pg.schema();
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: ctx.pg.url, options: `-c search_path=${schema}` });
    await c.connect();
    try {
      // Version 1 exactly as it shipped, with a run whose first events were appended by its append_events.
      await c.query(`CREATE SCHEMA ${schema};
        CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
        ${PG_MIGRATIONS[0](channelFor(schema))}
        INSERT INTO schema_migrations (version) VALUES (1);
        INSERT INTO runs (run_id, plan_name, plan_hash, plan_json, machine_version, created_at)
          VALUES ('old', 'p', 'h', '{}', '1', '2025-01-01T00:00:00.000Z');
        INSERT INTO run_heads (run_id) VALUES ('old');`);
      const data = JSON.stringify({ step: 'a', partition: 'p1', attempt: 1, reason: 'first' });
      const hash = eventHash('', 'old', 1, 'UNIT_STARTED', data);
      await c.query(
        `SELECT append_events('old', 0, '', NULL, NULL, ARRAY['2025-01-01T00:00:00.000Z'], ARRAY['UNIT_STARTED'],
           ARRAY[$1], ARRAY['"units"'], ARRAY[$2], 'running', ARRAY['started'], ARRAY['a'], ARRAY['p1'],
           ARRAY[NULL], ARRAY[1], ARRAY[NULL]::bigint[], ARRAY[NULL], ARRAY[NULL], ARRAY[1], ARRAY[NULL], NULL, NULL,
           false)`,
        [data, hash],
      );
    } finally {
      await c.end();
    }
    const store = await ctx.open({ schema });
    const versions = await ctx.pg.sql(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    expect(versions.map((r) => r.version)).toEqual(
      Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    const out = await store.append('old', 1, [succeeded('a', 'p1', 7), started('a', 'p2')]);
    expect(out.map((e) => e.seq)).toEqual([2, 3]);
    expect(out[0].prevHash).toBe(
      eventHash(
        '',
        'old',
        1,
        'UNIT_STARTED',
        JSON.stringify({ step: 'a', partition: 'p1', attempt: 1, reason: 'first' }),
      ),
    );
    expect(await store.verifyChain('old')).toEqual({ ok: true, count: 3 });
    expect(await store.head('old')).toEqual({ seq: 3, hash: out[1].hash });
    const units = await store.units('old');
    expect(units.map((u) => [u.partition, u.status, u.rows ?? null])).toEqual([
      ['p1', 'succeeded', 7],
      ['p2', 'started', null],
    ]);
  });

  it('migrates once when several processes open a new schema at the same moment', async () => {
    const schema = ctx.pg.schema();
    const script = `
      import('${process.cwd()}/dist/store/pg/index.js').then(async ({ openPgStore }) => {
        const s = await openPgStore(process.env.URL, { schema: process.env.SCHEMA });
        await s.close();
        process.stdout.write('opened');
      }).catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
    const runs = Array.from(
      { length: 4 },
      () =>
        new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const p = spawn(process.execPath, ['-e', script], {
            env: { ...process.env, URL: ctx.pg.url, SCHEMA: schema },
          });
          let out = '';
          let err = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (err += d));
          p.on('close', (code) => resolve({ code, out, err }));
        }),
    );
    for (const r of await Promise.all(runs)) expect(r).toMatchObject({ code: 0, out: 'opened', err: '' });
    const rows = await ctx.pg.sql(`SELECT version FROM ${schema}.schema_migrations`);
    expect(rows).toHaveLength(PG_SCHEMA_VERSION);
  });

  it('refuses a schema written by a newer phased, and a read-only open of a missing schema', async () => {
    const store = await ctx.open();
    await ctx.pg.sql(
      `INSERT INTO ${store.schema}.schema_migrations (version) VALUES (${PG_SCHEMA_VERSION + 5})`,
    );
    const err = await openPgStore(ctx.pg.url, { schema: store.schema }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DB_INVALID', message: expect.stringMatching(/newer phased/) });
    const ro = await openPgStore(ctx.pg.url, { schema: ctx.pg.schema(), readonly: true }).catch(
      (e: unknown) => e,
    );
    expect(ro).toMatchObject({ code: 'DB_INVALID', message: expect.stringMatching(/holds no phased runs/) });
  });

  it('a read-only store reads and refuses every write', async () => {
    const store = await ctx.open();
    const run = await createRun(store);
    await store.append(run, 0, [ev('RUN_CREATED')]);
    const ro = await ctx.open({ schema: store.schema, readonly: true });
    expect(ro.readonly).toBe(true);
    expect((await ro.requireRun(run)).headSeq).toBe(1);
    await expect(ro.append(run, 1, [ev('PAUSE_REQUESTED', { by: 'x' })])).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await expect(ro.acquireLease(run, 'me', 1000)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(ro.claimRuns('me', 1, 1000)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(await ro.changeMark()).toEqual(expect.any(String));
    expect(await store.eventCount(run)).toBe(1);
  });

  it('a wrong password: exit 2, naming host, database and user, never the password', async () => {
    const secret = 'not-the-Pa55word';
    const err = await openError(withPassword(ctx.pg.url, secret));
    expect(exitCodeFor(err.code)).toBe(2);
    expect(err.message).toContain(`127.0.0.1:${ctx.pg.port}/postgres`);
    expect(err.message).toContain(`user ${ctx.pg.user}`);
    expect(err.message).toMatch(/wrong user or password/);
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err.details)).not.toContain(secret);
    expect(err.stack ?? '').not.toContain(secret);
  });

  it('an unreachable server or a missing database: exit 2 with what to check', async () => {
    const port = await freePort();
    const u = new URL(ctx.pg.url);
    u.port = String(port);
    const down = await openError(u.toString());
    expect(exitCodeFor(down.code)).toBe(2);
    expect(down.message).toContain(`127.0.0.1:${port}/postgres`);
    expect(down.message).toMatch(/unreachable/);
    expect(down.message).not.toContain(ctx.pg.password);
    u.port = String(ctx.pg.port);
    u.pathname = '/no_such_db';
    const missing = await openError(u.toString());
    expect(missing.message).toMatch(/database no_such_db does not exist/);
    expect(missing.message).not.toContain(ctx.pg.password);
    await expect(openPgStore('postgres://x@h/db', { schema: 'Bad-Name' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });

  it('changeMark moves when another client appends or creates a run, and stays put otherwise', async () => {
    const watcher = await ctx.open();
    const writer = await ctx.open({ schema: watcher.schema });
    const run = await createRun(writer);
    const m0 = await watcher.changeMark();
    expect(await watcher.changeMark()).toBe(m0);
    await writer.append(run, 0, [ev('RUN_CREATED')]);
    const m1 = await until(watcher, (m) => m !== m0);
    await createRun(writer, 'run-2');
    const m2 = await until(watcher, (m) => m !== m1);
    // A driver's unit progress (not notified, so commits are not serialized) moves the mark too.
    await writer.append(run, 1, [started('a', 'p1')]);
    await until(watcher, (m) => m !== m2);
    // waitForChange wakes on the next notification.
    const woke = watcher.waitForChange(60_000);
    await writer.append(run, 2, [ev('PAUSE_REQUESTED', { by: 'x' })]);
    await woke;
  });
});

/** Polls changeMark until `ok` (notifications arrive asynchronously). */
async function until(store: { changeMark(): Promise<string> }, ok: (m: string) => boolean): Promise<string> {
  for (;;) {
    const m = await store.changeMark();
    if (ok(m)) return m;
    await new Promise((r) => setTimeout(r, 10));
  }
}
