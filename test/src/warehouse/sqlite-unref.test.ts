// Idle workers never keep a process alive: a script that queries and forgets to close still exits. Workers that
// close() waits for do: a script whose close() is still waiting for its workers does not exit under it.
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

/** A script's first lines: a fresh SQLite warehouse with an empty table t, open as `wh`. */
async function prelude(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'phased-unref-'));
  return `
    const { openWarehouse } = await import(${JSON.stringify(dist)});
    const wh = await openWarehouse({ kind: 'sqlite', path: ${JSON.stringify(join(dir, 'w.db'))} }, { create: true });
    await wh.execute('CREATE TABLE t (x INTEGER)');`;
}

it('exits on its own while the warehouse is still open', async () => {
  const script = `${await prelude()}
    const rows = await wh.query('SELECT COUNT(*) AS n FROM t');
    console.log(JSON.stringify(rows));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
  expect(JSON.parse(stdout)).toEqual([{ n: 0 }]);
});

it('keeps the process alive until close() has waited for every worker, an answer still unread included', async () => {
  // The worker answers while this thread is blocked, so its answer is still unread when close() asks the worker
  // to stop: reading it must not let the process exit before close() resolves (it once did, with exit code 0).
  const script = `${await prelude()}
    const q = wh.query('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT COUNT(*) AS n FROM c');
    const t = Date.now();
    while (Date.now() - t < 1500) {}
    await wh.close();
    console.log(JSON.stringify({ closed: true, rows: await q }));
    process.exitCode = 42;`;
  const r = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 }).then(
    (ok) => ({ code: 0, stdout: ok.stdout }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
  );
  expect(r.code).toBe(42);
  expect(JSON.parse(r.stdout)).toEqual({ closed: true, rows: [{ n: 100000 }] });
});
