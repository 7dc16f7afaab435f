// Idle workers never keep a process alive: a script that queries and forgets to close still exits.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../../../dist/src/warehouse/index.js', import.meta.url));
let dir: string | undefined;

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('exits on its own while the warehouse is still open', async () => {
  dir = await mkdtemp(join(tmpdir(), 'phased-unref-'));
  const script = `
    const { openWarehouse } = await import(${JSON.stringify(dist)});
    const wh = await openWarehouse({ kind: 'sqlite', path: ${JSON.stringify(join(dir, 'w.db'))} }, { create: true });
    await wh.execute('CREATE TABLE t (x INTEGER)');
    const rows = await wh.query('SELECT COUNT(*) AS n FROM t');
    console.log(JSON.stringify(rows));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
  expect(JSON.parse(stdout)).toEqual([{ n: 0 }]);
});
