// Reads belong to the plan's warehouse whatever runs a step's units: a command step's backend has no reads, and
// the baseline and the gate over a command step's table read (and create) that table in the plan's warehouse.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { expandPartitions } from '../../../machines/index.js';
import { baselineEvent, gateEvent, openPlanWarehouse } from '../../../src/engine/index.js';
import { loadPlan } from '../../../src/plan/index.js';
import { openCommandBackend, type WarehouseReads } from '../../../src/warehouse/index.js';
import { tempDir } from '../../support/cli.js';
import { makeSyntheticProject } from '../../support/synthetic.js';

const READS = ['query', 'listPartitions', 'tableExists', 'execute', 'partitionCounts'] as const;

it('gives a command step a unit backend only: no reads, at compile time or at run time', () => {
  const backend = openCommandBackend({ logDir: join(tempDir(), 'logs') });
  // @ts-expect-error a command backend cannot stand in for the reads of gates and the baseline
  const reads: WarehouseReads = backend;
  for (const name of READS) expect(name in reads, name).toBe(false);
  expect(Object.keys(backend).sort()).toEqual(['close', 'jobRefFor', 'materialize', 'reconcile']);
});

it('measures and gates a command step table in the plan warehouse', async () => {
  const dir = tempDir();
  const p = makeSyntheticProject(dir, { dates: 3 });
  const plan = loadPlan(p.plan);
  const phase = plan.phases[0];
  const steps = phase.groups.flatMap((g) => g.steps);
  expect(steps.find((s) => s.id === 'c')?.kind).toBe('command');
  const wh = await openPlanWarehouse(plan, { logDir: join(dir, 'logs') });
  try {
    // The baseline creates the command step's table from its ddl and finds every date to run.
    const baseline = await baselineEvent(plan, wh.reads, 'roles');
    if (baseline.type !== 'BASELINE_RECORDED') throw new Error(JSON.stringify(baseline));
    const c = baseline.steps.find((s) => s.step === 'c');
    expect([...expandPartitions(c?.toRun ?? [])]).toEqual(p.dates);
    expect(await wh.reads.tableExists('c')).toBe(true);

    // Each step's units on its own backend: the command step's script writes into the plan's warehouse.
    for (const step of steps) {
      for (const partition of p.dates) {
        await wh
          .backendFor(step)
          .materialize({ runId: 'roles', step, partition, attempt: 1, range: plan.range });
      }
    }
    const gate = await gateEvent(plan, wh.reads, 'roles', phase.id, phase.gate.id);
    if (gate.type !== 'GATE_PASSED' && gate.type !== 'GATE_FAILED') throw new Error(gate.type);
    expect(gate.report.error).toBeUndefined();
    expect(gate.type).toBe('GATE_PASSED');
    expect(gate.report.tables.map((t) => [t.step, t.ok, 'present' in t ? t.present : t.error])).toEqual([
      ['a', true, 3],
      ['b', true, 3],
      ['c', true, 3],
    ]);
  } finally {
    await wh.close();
  }
});
