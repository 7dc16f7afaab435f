// Gates hold: phase-1 coverage below minCoverage stops the run in the gate with exit 1, no phase-2 unit
// ever starts, and status shows the gate report per table.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readEvents, runCli, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

it('blocks at the gate, starts nothing downstream, and reports coverage per table', () => {
  const dir = tempDir('phased-gate-');
  const holes = ['2024-01-03', '2024-01-09', '2024-01-10'];
  const p = makeSyntheticProject(dir, { dates: 20, holes, minCoverage: 0.9 });
  const db = join(dir, 'phased.db');
  const r = runCli(['--db', db, 'run', p.plan, '--run-id', 'g1']);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toMatch(/gate p1: failed/);

  const events = readEvents(db, 'g1');
  expect(events.some((e) => e.type === 'GATE_FAILED' && e.data.gate === 'p1')).toBe(true);
  const downstream = events.filter(
    (e) => e.type === 'UNIT_STARTED' && ['d', 'e'].includes(e.data.step as string),
  );
  expect(downstream).toEqual([]);

  const status = runCli(['--db', db, 'status', 'g1', '--json']);
  expect(status.code).toBe(0);
  const view = JSON.parse(status.stdout);
  expect(view.status).toBe('blocked');
  const report = view.gates.p1.report;
  expect(report.ok).toBe(false);
  expect(report.tables.map((t: { step: string }) => t.step).sort()).toEqual(['a', 'b', 'c']);
  for (const t of report.tables) {
    expect(t).toMatchObject({ expected: 20, present: 17, missing: 3, ok: false });
    expect(t.coverage).toBeCloseTo(0.85, 5);
    expect(t.missingSample).toEqual(holes);
  }
  // Resuming a blocked run with nothing failed to retry stays blocked (exit 1) and runs nothing new.
  const again = runCli(['--db', db, 'resume', 'g1']);
  expect(again.code).toBe(1);
  const after = readEvents(db, 'g1');
  expect(after.filter((e) => e.type === 'UNIT_STARTED')).toHaveLength(
    events.filter((e) => e.type === 'UNIT_STARTED').length,
  );
});
