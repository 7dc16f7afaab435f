// Crash points, deterministically: PHASED_CRASH_AT kills the driver with SIGKILL in each narrow window;
// a resume must end with the same warehouse and final state as an uninterrupted run, re-running the in-doubt unit once.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEvents, runCli, tempDir } from '../support/cli.js';
import { checkExactlyOnce, inDoubtUnits } from '../support/log-checks.js';
import { makeSyntheticProject, warehouseDigest } from '../support/synthetic.js';

const OPTS = { dates: 20, flaky: ['2024-01-04'] };
const SNAPSHOT_EVERY = '40';

function project() {
  const dir = tempDir('phased-crash-');
  const p = makeSyntheticProject(dir, OPTS);
  return { ...p, db: join(dir, 'phased.db') };
}

let reference: { digest: Record<string, unknown[]>; state: unknown };

beforeAll(() => {
  const p = project();
  const r = runCli(['--db', p.db, 'run', p.plan, '--run-id', 'ref'], {
    env: { PHASED_SNAPSHOT_EVERY: SNAPSHOT_EVERY },
  });
  expect(r.code, r.stderr).toBe(0);
  const events = readEvents(p.db, 'ref');
  reference = { digest: warehouseDigest(p.warehouse), state: events[events.length - 1].state };
});

const cases: { point: string; n: number; inDoubt: boolean }[] = [
  { point: 'after-unit-started', n: 25, inDoubt: true },
  { point: 'after-warehouse-commit', n: 25, inDoubt: true },
  { point: 'after-gate-evaluated', n: 1, inDoubt: false },
  { point: 'after-append-before-send', n: 30, inDoubt: false },
  { point: 'during-snapshot', n: 2, inDoubt: false },
];

describe('crash at every named point, then resume', () => {
  for (const c of cases) {
    it(`${c.point}:${c.n}`, () => {
      const p = project();
      const env = { PHASED_SNAPSHOT_EVERY: SNAPSHOT_EVERY };
      const crashed = runCli(['--db', p.db, 'run', p.plan, '--run-id', 'x'], {
        env: { ...env, PHASED_CRASH_AT: `${c.point}:${c.n}` },
      });
      expect(crashed.signal, `${crashed.stdout}\n${crashed.stderr}`).toBe('SIGKILL');
      const before = readEvents(p.db, 'x');
      expect(before.some((e) => e.type === 'RUN_SUCCEEDED')).toBe(false);

      const resumed = runCli(['--db', p.db, 'resume', 'x'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);

      const events = checkExactlyOnce(p.db, 'x');
      expect(warehouseDigest(p.warehouse)).toEqual(reference.digest);
      expect(events[events.length - 1].state).toEqual(reference.state);
      expect(events.filter((e) => e.type === 'RUN_SUCCEEDED')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'GATE_PASSED')).toHaveLength(2);

      const doubt = inDoubtUnits(events);
      if (c.inDoubt) {
        // Every unit in flight at the kill (the one at the crash point among them) is re-run exactly once.
        expect(doubt.length).toBeGreaterThanOrEqual(1);
        for (const d of doubt) {
          expect(d.resolvedBy).toEqual(['UNIT_STARTED', 'in-doubt']);
          const [step, partition] = d.key.split('/');
          const reruns = events.filter(
            (e) =>
              e.type === 'UNIT_STARTED' &&
              e.data.step === step &&
              e.data.partition === partition &&
              e.data.reason === 'in-doubt',
          );
          expect(reruns).toHaveLength(1);
        }
      }
      for (const d of doubt) expect(d.resolvedBy[0]).toMatch(/UNIT_STARTED|UNIT_SUCCEEDED/);
      if (c.point === 'during-snapshot') {
        // The snapshot whose transaction was cut is absent or whole; rebuilding from what is there is exact.
        const again = runCli(['--db', p.db, 'status', 'x', '--json']);
        expect(JSON.parse(again.stdout).state).toEqual(reference.state);
      }
    });
  }
});
