// routeWarehouse: command steps go to the command backend, everything else (and all reads) to the base.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PhasedError } from '../../../machines/index.js';
import { routeWarehouse, type UnitRef, type Warehouse } from '../../../src/warehouse/index.js';
import { contractStep, unitOf } from './contract.js';
import { makeSqliteFixture, type SqliteFixture } from './sqlite-fixture.js';

let fx: SqliteFixture;
beforeEach(async () => {
  fx = await makeSqliteFixture(1);
});
afterEach(async () => {
  await fx.close();
});

/** A command backend that records what it was asked to run. */
function recordingCommandBackend(calls: string[]): Warehouse {
  const refuse = () => Promise.reject(new Error('command backend does not answer queries'));
  return {
    kind: 'sqlite',
    query: refuse,
    listPartitions: refuse,
    tableExists: refuse,
    execute: refuse,
    partitionCounts: refuse,
    jobRefFor: (u: UnitRef) => `cmd:${u.step.id}:${u.partition}`,
    materialize: async (u: UnitRef) => {
      calls.push(`materialize ${u.step.id} ${u.partition}`);
      return { rows: 0, ms: 1 };
    },
    reconcile: async () => ({ status: 'not-found' }),
    close: async () => {
      calls.push('close');
    },
  };
}

it('sends command steps to the command backend and sql steps to the base', async () => {
  const calls: string[] = [];
  const wh = routeWarehouse(fx.wh, recordingCommandBackend(calls));
  const sqlStep = contractStep(fx, 'SELECT day, k, v FROM src WHERE day = @partition');
  const cmdStep = contractStep(fx, '', {
    id: 'script',
    kind: 'command',
    sql: undefined,
    command: { argv: ['true'] },
  });
  expect((await wh.materialize(unitOf(sqlStep, '2024-01-01'))).rows).toBe(3);
  expect((await wh.materialize(unitOf(cmdStep, '2024-01-02'))).rows).toBe(0);
  expect(wh.jobRefFor(unitOf(cmdStep, '2024-01-02'))).toBe('cmd:script:2024-01-02');
  expect(wh.jobRefFor(unitOf(sqlStep, '2024-01-02'))).toBeUndefined();
  expect(await wh.reconcile(unitOf(cmdStep, '2024-01-02'))).toEqual({ status: 'not-found' });
  expect(await wh.reconcile(unitOf(sqlStep, '2024-01-02'))).toEqual({ status: 'unknown' });
  expect(await wh.tableExists('dst')).toBe(true);
  expect(calls).toEqual(['materialize script 2024-01-02']);
});

it('refuses a command step when no command backend was given', async () => {
  const wh = routeWarehouse(fx.wh);
  const cmdStep = contractStep(fx, '', {
    id: 'script',
    kind: 'command',
    sql: undefined,
    command: { argv: ['true'] },
  });
  const err = await wh.materialize(unitOf(cmdStep, '2024-01-01')).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PhasedError);
  expect((err as PhasedError).message).toContain('script');
});
