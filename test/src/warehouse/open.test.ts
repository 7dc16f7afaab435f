// openWarehouse: a run needs an existing, readable SQLite file; bad ones are BAD_ARGUMENT naming the path.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import { openWarehouse, SqliteWarehouse } from '../../../src/warehouse/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phased-open-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<PhasedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PhasedError);
  return err as PhasedError;
}

it('refuses a missing warehouse file, naming it', async () => {
  const path = join(dir, 'nope.db');
  const err = await refusal(openWarehouse({ kind: 'sqlite', path }));
  expect(err.code).toBe('BAD_ARGUMENT');
  expect(err.message).toContain(path);
});

it('refuses a file that is not SQLite', async () => {
  const path = join(dir, 'text.db');
  await writeFile(
    path,
    'this is not a database, just some text that is long enough to have a header'.repeat(20),
  );
  const err = await refusal(openWarehouse({ kind: 'sqlite', path }));
  expect(err.code).toBe('BAD_ARGUMENT');
  expect(err.message).toContain(path);
});

it('creates the file when asked and opens a worker pool of the requested size', async () => {
  const wh = await openWarehouse(
    { kind: 'sqlite', path: join(dir, 'new.db') },
    { create: true, poolSize: 2 },
  );
  try {
    expect(wh).toBeInstanceOf(SqliteWarehouse);
    expect((wh as SqliteWarehouse).poolSize).toBe(2);
    await wh.execute('CREATE TABLE t (x INTEGER)');
    expect(await wh.tableExists('t')).toBe(true);
    expect(await wh.query('SELECT journal_mode AS m FROM pragma_journal_mode')).toEqual([{ m: 'wal' }]);
  } finally {
    await wh.close();
  }
});
