// A PostgreSQL store that turns read-only (a standby after a failover, default_transaction_read_only set on the
// user) with the real CLI and server: a resume exits 1 naming the server, the condition and the fix, and appends
// nothing; a daemon says so once rather than every tick, says when the store answers again, and drives the run
// to the end once writes are allowed again. The read-only switch is a role setting of the test's own role, so
// the shared server's other users are untouched.

import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sleepMs } from '../support/cli.js';
import { cli, slowProject, start, tmp, waitFor } from '../support/ops.js';
import { startTestPg, type TestPg } from '../support/pg.js';

let pg: TestPg;
const role = `ro_${process.pid}_${Date.now().toString(36)}`;
const password = 'ro-secret-pw';

beforeAll(async () => {
  pg = await startTestPg();
  await pg.sql(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await pg.sql(`GRANT CREATE ON DATABASE ${pg.database} TO ${role}`);
}, 60_000);
afterAll(async () => {
  await pg?.sql(`DROP OWNED BY ${role}`).catch(() => undefined);
  await pg?.sql(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await pg?.stop();
});

/** Read-only on or off for the role's new sessions, and its open ones ended (as a failover ends them). */
async function readOnly(on: boolean): Promise<void> {
  await pg.sql(
    on
      ? `ALTER ROLE ${role} SET default_transaction_read_only = on`
      : `ALTER ROLE ${role} RESET default_transaction_read_only`,
  );
  await pg.sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
}

async function eventTypes(schema: string, runId: string): Promise<string[]> {
  const rows = await pg.sql<{ type: string }>(
    `SELECT type FROM ${schema}.events WHERE run_id = $1 ORDER BY seq`,
    [runId],
  );
  return rows.map((r) => r.type);
}

it('a read-only server: resume exits 1 saying so and appends nothing; a daemon says it once and finishes the run once writable', async () => {
  const schema = pg.schema();
  const u = new URL(pg.url);
  u.username = role;
  u.password = password;
  u.searchParams.set('schema', schema);
  const url = u.toString();
  const dir = tmp('phased-pg-ro-');
  const p = slowProject(join(dir, 'p'), { dates: 4 });
  const created = cli(url, ['run', p.plan, '--run-id', 'ro1', '--detach']);
  expect(created.code, created.stderr).toBe(0);
  const before = await eventTypes(schema, 'ro1');

  await readOnly(true);
  const resume = cli(url, ['resume', 'ro1']);
  expect(resume.code, resume.stderr).toBe(1);
  expect(resume.stderr).toContain(
    `PostgreSQL at ${u.hostname}:${u.port}/${pg.database} (user ${role}) is read-only`,
  );
  expect(resume.stderr).toContain('SQLSTATE 25006');
  expect(resume.stderr).toMatch(/Point --db or PHASED_DB at the primary server/);
  expect(resume.stderr).toMatch(/resume it with `.* resume ro1 --db /);
  expect(resume.stderr).not.toContain(password);
  expect(resume.stderr).not.toMatch(/\n\s+at /);
  expect(await eventTypes(schema, 'ro1')).toEqual(before);

  const daemon = start(url, ['daemon']);
  await waitFor(
    () => /cannot look for runs to drive: .*is read-only/.test(daemon.err()),
    'the daemon tells',
    30_000,
  );
  // Several ticks (one a second) fail the same way meanwhile; they are not told again.
  await sleepMs(3000);
  await readOnly(false);
  await waitFor(
    async () => (await eventTypes(schema, 'ro1')).includes('RUN_SUCCEEDED'),
    'the run finished by the daemon',
    60_000,
  );
  daemon.proc.kill('SIGTERM');
  expect(await daemon.exit).toBe(143);
  const told = daemon.err().match(/cannot look for runs to drive: .*is read-only/g) ?? [];
  expect(told, daemon.err()).toHaveLength(1);
  // Ending the role's connections (to turn read-only off) fails a look in flight with a message of its own, told
  // once as a new failure; no other failure is told.
  const others = daemon.err().match(/cannot look for runs to drive: (?!.*is read-only).*/g) ?? [];
  for (const line of others)
    expect(line, daemon.err()).toContain('terminating connection due to administrator command');
  expect(others.length, daemon.err()).toBeLessThanOrEqual(1);
  const looks = daemon
    .err()
    .match(/the event store answers again; looking for runs to drive \((\d+) failed looks\)/);
  expect(looks, daemon.err()).not.toBeNull();
  // The read-only failure was met at several ticks, and told once.
  expect(Number(looks?.[1])).toBeGreaterThan(1);
  expect(daemon.err()).not.toContain(password);

  const types = await eventTypes(schema, 'ro1');
  expect(types.slice(0, before.length)).toEqual(before);
  expect(types.filter((t) => t === 'DRIVER_ATTACHED')).toHaveLength(1);
  const verify = cli(url, ['replay', 'ro1', '--verify']);
  expect(verify.code, verify.stderr).toBe(0);
}, 120_000);
