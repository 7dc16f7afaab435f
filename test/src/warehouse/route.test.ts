// routeWarehouse: command steps go to the command backend, everything else (and all reads) to the base.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import { commandLogPath, openCommandBackend, routeWarehouse } from '../../../src/warehouse/index.js';
import { contractStep, unitOf } from './contract.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
beforeEach(async () => {
  fx = await makeSqliteFixture(1);
});
afterEach(async () => {
  await fx.close();
});

function commandStep(marker: string) {
  const argv = [process.execPath, '-e', 'require("fs").writeFileSync(process.argv[1], "done")', marker];
  return contractStep(fx, '', { id: 'script', kind: 'command', sql: undefined, command: { argv } });
}

it('sends command steps to the command backend and sql steps to the base', async () => {
  const logDir = join(fx.dir, 'logs');
  const wh = routeWarehouse(fx.wh, openCommandBackend({ logDir }));
  const sqlStep = contractStep(fx, 'SELECT day, k, v FROM src WHERE day = @partition');
  const cmdStep = commandStep(join(fx.dir, '{partition}.done'));
  expect((await wh.backendFor(sqlStep).materialize(unitOf(sqlStep, '2024-01-01'))).rows).toBe(3);
  await wh.backendFor(cmdStep).materialize(unitOf(cmdStep, '2024-01-02'));
  expect(existsSync(join(fx.dir, '2024-01-02.done'))).toBe(true);
  expect(wh.backendFor(cmdStep).jobRefFor(unitOf(cmdStep, '2024-01-02'))).toBe(
    commandLogPath(logDir, unitOf(cmdStep, '2024-01-02')),
  );
  expect(wh.backendFor(sqlStep).jobRefFor(unitOf(sqlStep, '2024-01-02'))).toBeUndefined();
  expect(await wh.reads.tableExists('dst')).toBe(true);
  expect(
    Object.fromEntries(
      await wh.reads.partitionCounts('dst', 'day', { start: '2024-01-01', end: '2024-01-31' }),
    ),
  ).toEqual({ '2024-01-01': 3 });
});

it('refuses a command step when no command backend was given', async () => {
  const wh = routeWarehouse(fx.wh);
  const step = commandStep(join(fx.dir, 'x'));
  const err = await wh
    .backendFor(step)
    .materialize(unitOf(step, '2024-01-01'))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(PhasedError);
  expect((err as PhasedError).message).toContain('script');
  expect(existsSync(join(fx.dir, 'x'))).toBe(false);
});
