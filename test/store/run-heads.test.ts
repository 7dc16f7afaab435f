// The runs row stays exact although appends write its hot copy in run_heads: after every append, runs.status
// and runs.state_json equal the last event's, and the frozen plan is left as it was.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import { createRun, ev, removeTempDirs, tempDbFile } from './helpers.js';

afterAll(removeTempDirs);

describe('runs row and run_heads', () => {
  it('keeps runs.status/state_json equal to the latest event through unchanged and changed states', () => {
    const file = tempDbFile();
    const store = openStore(file);
    const runId = createRun(store);
    const raw = new Database(file, { readonly: true });
    const row = () =>
      raw
        .prepare('SELECT status, state_json AS state, plan_json AS plan FROM runs WHERE run_id = ?')
        .get(runId) as {
        status: string;
        state: string;
        plan: string;
      };
    const steps: [string, unknown][] = [
      ['running', { active: 'prerequisites' }],
      ['running', { active: 'prerequisites' }],
      ['running', { active: 'baseline' }],
      ['blocked', { active: { 'phase:p1': { gate: 'blocked' } } }],
      ['blocked', { active: { 'phase:p1': { gate: 'blocked' } } }],
      ['succeeded', 'succeeded'],
    ];
    let seq = 0;
    for (const [status, state] of steps) {
      const out = store.append(runId, seq, [ev('DRIVER_ATTACHED', {}, { status: status as never, state })]);
      seq = out[out.length - 1].seq;
      expect(row()).toMatchObject({
        status,
        state: JSON.stringify(state),
        plan: '{"name":"nba-phase3-phase4"}',
      });
      expect(store.getRun(runId)).toMatchObject({ status, headSeq: seq, stateJson: JSON.stringify(state) });
    }
    expect(store.verifyChain(runId)).toMatchObject({ ok: true, count: steps.length });
    raw.close();
    store.close();
  });
});
