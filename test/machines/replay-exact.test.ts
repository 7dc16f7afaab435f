// Replay is exact: for every path the graph walker finds, rebuilding from any earlier snapshot plus the
// tail of events gives the same snapshot the live actor had at that point.
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  activeEffects,
  createRunMachine,
  RunCursor,
  type RunEvent,
  type RunSnapshot,
} from '../../machines/index.js';
import { twoPhasePlan } from '../support/plans.js';

const plan = twoPhasePlan();
const machine = createRunMachine(plan);
const err = { code: 'QUERY', message: 'boom', retryable: false };
const report = (gate: string, ok: boolean) => ({
  gate,
  ok,
  minCoverage: 1,
  tables: [],
  notNull: [],
  checks: [],
});

/** The events a driver or operator could send in this snapshot (one unit per step keeps the space small). */
function offers(snap: RunSnapshot): RunEvent[] {
  const out: RunEvent[] = [];
  const by = { by: 'test' };
  if (snap.matches('paused'))
    return [
      { type: 'RESUMED', ...by },
      { type: 'CANCELLED', ...by },
    ];
  if (snap.matches('failed')) return [{ type: 'RETRY_REQUESTED', reopened: [], ...by }];
  if (!snap.matches('active')) return out;
  for (const e of activeEffects(snap)) {
    switch (e.effect) {
      case 'checkPrerequisites':
        out.push(
          { type: 'PREREQS_PASSED', checks: [] },
          { type: 'PREREQS_FAILED', checks: [{ name: 'x', ok: false }] },
        );
        break;
      case 'measureBaseline':
        out.push({
          type: 'BASELINE_RECORDED',
          partitions: 1,
          steps: ['a', 'b', 'c', 'd'].map((s) => ({
            step: s,
            expected: 1,
            present: 0,
            missing: 1,
            toRun: ['1'],
          })),
        });
        break;
      case 'runStep': {
        const c = snap.context.steps[e.step];
        const p = String(c.done + c.failed + 1);
        out.push({ type: 'UNIT_SUCCEEDED', step: e.step, partition: p, attempt: 1, rows: 1, ms: 1 });
        out.push({ type: 'UNIT_FAILED', step: e.step, partition: p, attempt: 1, error: err, final: true });
        break;
      }
      case 'evaluateGate':
        out.push({ type: 'GATE_PASSED', gate: e.gate, report: report(e.gate, true) });
        out.push({ type: 'GATE_FAILED', gate: e.gate, report: report(e.gate, false) });
        break;
      case 'blocked': {
        out.push({ type: 'GATE_OVERRIDDEN', gate: e.gate, reason: 'ok', by: 'test' });
        const reopened = Object.entries(snap.context.steps)
          .filter(([, c]) => c.failed > 0)
          .map(([step, c]) => ({ step, count: c.failed }));
        out.push({ type: 'RETRY_REQUESTED', reopened, gate: e.gate, ...by });
        break;
      }
      case 'finish':
        out.push({ type: 'RUN_SUCCEEDED', summary: {} });
        break;
    }
  }
  out.push({ type: 'PAUSED', ...by }, { type: 'CANCELLED', ...by });
  return out;
}

const view = (s: RunSnapshot) => ({ value: s.value, context: s.context, status: s.status });

describe('replay is exact', () => {
  const paths = getShortestPaths(machine, {
    events: (s) => offers(s as RunSnapshot),
    serializeState: (s) => JSON.stringify([(s as RunSnapshot).value, (s as RunSnapshot).context]),
  });

  it('enumerates a meaningful number of paths through every kind of state', () => {
    expect(paths.length).toBeGreaterThan(50);
    const finals = new Set(paths.map((p) => JSON.stringify((p.state as RunSnapshot).value)));
    for (const v of ['"succeeded"', '"cancelled"', '"paused"', '"failed"']) expect(finals.has(v)).toBe(true);
  });

  it('every prefix, rebuilt from an earlier persisted snapshot plus the tail, equals the live actor', () => {
    let checked = 0;
    for (const path of paths) {
      const events = path.steps.map((s) => s.event as RunEvent).filter((e) => !e.type.startsWith('xstate.'));
      const live = new RunCursor(machine);
      const persisted = [live.persisted()];
      const views = [view(live.snapshot)];
      for (const e of events) {
        views.push(view(live.apply(e)));
        persisted.push(live.persisted());
      }
      for (let k = 1; k <= events.length; k++) {
        // From scratch, and from a persisted snapshot halfway (the driver's snapshot + tail).
        for (const j of new Set([Math.floor(k / 2), k - 1])) {
          const c = new RunCursor(machine, JSON.parse(JSON.stringify(persisted[j])));
          for (const e of events.slice(j, k)) c.apply(e);
          expect(view(c.snapshot)).toEqual(views[k]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('the pure transition() fold gives the same snapshots as the actor', () => {
    for (const path of paths.slice(0, 200)) {
      const events = path.steps.map((s) => s.event as RunEvent).filter((e) => !e.type.startsWith('xstate.'));
      const live = new RunCursor(machine);
      let [snap] = initialTransition(machine);
      for (const e of events) {
        [snap] = transition(machine, snap, e);
        expect(view(snap as RunSnapshot)).toEqual(view(live.apply(e)));
      }
    }
  });
});
