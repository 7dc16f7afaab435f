// kill -9 in a unit's retry wait and just before the look-up that precedes its next attempt, on the embedded
// warehouse with a command step that fails once: the resumed run decides the next attempt from the log alone
// (a retry, numbered after the logged failure, started once) and ends with the same warehouse and final state
// as an uninterrupted run, each partition written once.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEvents, runCli, tempDir } from '../support/cli.js';
import { checkExactlyOnce } from '../support/log-checks.js';
import { makeSyntheticProject, warehouseDigest } from '../support/synthetic.js';

const FLAKY = '2024-01-04';
const OPTS = { dates: 8, flaky: [FLAKY] };

function project() {
  const dir = tempDir('phased-crash-wait-');
  const p = makeSyntheticProject(dir, OPTS);
  return { ...p, db: join(dir, 'phased.db') };
}

let reference: { digest: Record<string, unknown[]>; state: unknown };

beforeAll(() => {
  const p = project();
  const r = runCli(['--db', p.db, 'run', p.plan, '--run-id', 'ref']);
  expect(r.code, r.stderr).toBe(0);
  const events = readEvents(p.db, 'ref');
  reference = { digest: warehouseDigest(p.warehouse), state: events[events.length - 1].state };
});

const flakyUnit = (e: { type: string; data: Record<string, unknown> }) =>
  e.data.step === 'c' && e.data.partition === FLAKY;

describe('crash while a unit waits to retry, then resume', () => {
  for (const point of ['in-retry-wait', 'before-reconcile']) {
    it(`${point}:1`, () => {
      const p = project();
      const crashed = runCli(['--db', p.db, 'run', p.plan, '--run-id', 'x'], {
        env: { PHASED_CRASH_AT: `${point}:1` },
      });
      expect(crashed.signal, `${crashed.stdout}\n${crashed.stderr}`).toBe('SIGKILL');
      const before = readEvents(p.db, 'x').filter(flakyUnit);
      // The log's last word on the unit: its first attempt failed, not for good, with a wait before the next.
      const last = before[before.length - 1];
      expect(last.type).toBe('UNIT_FAILED');
      expect(last.data).toMatchObject({ attempt: 1, final: false });
      expect(last.data.retryInMs).toBeGreaterThan(0);

      const resumed = runCli(['--db', p.db, 'resume', 'x']);
      expect(resumed.code, resumed.stderr).toBe(0);

      const events = checkExactlyOnce(p.db, 'x');
      expect(warehouseDigest(p.warehouse)).toEqual(reference.digest);
      expect(events[events.length - 1].state).toEqual(reference.state);
      const attach = events.findLastIndex((e) => e.type === 'DRIVER_ATTACHED');
      const after = events.slice(attach).filter(flakyUnit);
      const starts = after.filter((e) => e.type === 'UNIT_STARTED');
      expect(starts.map((e) => [e.data.attempt, e.data.reason])).toEqual([[2, 'retry']]);
      expect(after.filter((e) => e.type === 'UNIT_SUCCEEDED').map((e) => e.data.attempt)).toEqual([2]);
      expect(after.some((e) => e.type === 'UNIT_FAILED')).toBe(false);
    });
  }
});
