// A driving command's spare SQLite worker starts in the executable's launcher, before the CLI bundle is read and
// compiled (cli/early.ts), and the bundle's warehouse pool adopts that same thread: the launcher and the bundle
// each carry a copy of src/warehouse/sqlite-spare.ts, and the spare is shared between them.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startEarly } from '../../cli/early.js';
import { warehousePoolSize } from '../../src/engine/warehouse.js';
import { workerScript } from '../../src/warehouse/sqlite-pool.js';
import { discardSpareWorker, takeSpareWorker } from '../../src/warehouse/sqlite-spare.js';
import { CLI, testEnv } from '../support/cli.js';
import { tmp } from '../support/ops.js';
import { makeSyntheticProject } from '../support/synthetic.js';

afterEach(() => discardSpareWorker());

it('a spare started by another copy of the module is the one this copy hands to a pool', async () => {
  // A second instance of the module, as the launcher's bundle carries its own.
  const other = (await import(
    // @ts-expect-error: a query makes the test runner load a second instance of the same file
    '../../src/warehouse/sqlite-spare.js?launcher-copy'
  )) as typeof import('../../src/warehouse/sqlite-spare.js');
  const started = other.startSpareWorker();
  expect(started).toBeDefined();
  expect(takeSpareWorker(workerScript())).toBe(started);
  expect(other.takeSpareWorker(workerScript())).toBeUndefined();
  await started?.terminate();
});

it('startEarly starts the spare for run and resume only', async () => {
  startEarly(['--db', 'x.db', 'status', 'r1']);
  expect(takeSpareWorker(workerScript())).toBeUndefined();
  startEarly(['--db', 'resume', 'resume', 'r1']);
  const spare = takeSpareWorker(workerScript());
  expect(spare).toBeDefined();
  await spare?.terminate();
});

// Logs, in order, each worker thread created and each script the launcher compiles (the CLI bundle).
const HOOK = `
const wt = require('node:worker_threads');
const vm = require('node:vm');
const fs = require('node:fs');
if (wt.isMainThread) {
  const log = (s) => fs.writeSync(2, '[early-test] ' + s + '\\n');
  const W = wt.Worker;
  wt.Worker = class extends W { constructor(f, o) { log('worker ' + String(f)); super(f, o); } };
  const S = vm.Script;
  vm.Script = class extends S { constructor(c, o) { log('script ' + (o && o.filename)); super(c, o); } };
}
`;

it('phased run starts its SQLite worker before the bundle is compiled, and the pool adopts it', () => {
  const dir = tmp('phased-early-');
  const project = makeSyntheticProject(join(dir, 'project'), { dates: 2 });
  const hook = join(dir, 'hook.cjs');
  writeFileSync(hook, HOOK);
  const r = spawnSync(
    process.execPath,
    ['-r', hook, CLI, '--db', join(dir, 'phased.db'), 'run', project.plan, '--run-id', 'early1'],
    { env: testEnv(), encoding: 'utf8', timeout: 120_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  const seen = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('[early-test] '))
    .map((l) => l.slice('[early-test] '.length));
  const workers = seen.filter((l) => l.startsWith('worker ') && l.endsWith('sqlite-worker.cjs'));
  const bundle = seen.findIndex((l) => l.startsWith('script ') && l.endsWith('phased.cjs'));
  expect(bundle, seen.join('\n')).toBeGreaterThanOrEqual(0);
  expect(
    seen.findIndex((l) => workers.includes(l)),
    seen.join('\n'),
  ).toBeLessThan(bundle);
  // The plan's pool (one worker per core, at most its maxConcurrency of 6 and 4): the spare is one of them, so no
  // thread was started that no pool took.
  expect(workers).toHaveLength(warehousePoolSize(6));
});
