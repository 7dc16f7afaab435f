// The cursor skips events that cannot change the snapshot (leavesSnapshot); skipping must give exactly the snapshot
// the statechart itself gives when it is sent every event.

import { describe, expect, it } from 'vitest';
import { createActor, type Snapshot } from 'xstate';
import {
  activeEffects,
  keepsStateValue,
  leavesSnapshot,
  RunCursor,
  type RunEvent,
  type RunSnapshot,
  runStatus,
} from '../../machines/index.js';
import { baselineEvent, fail, gateReport, machine, ok } from './helpers.js';

const startedEvent = (step: string, partition: string, estimatedBytes?: number): RunEvent => ({
  type: 'UNIT_STARTED',
  step,
  partition,
  attempt: 1,
  reason: 'first',
  ...(estimatedBytes === undefined ? {} : { estimatedBytes }),
});

/** The snapshot the chart gives for `event`, sent to a plain actor restored at `from` (no skipping). */
function sent(from: Snapshot<unknown>, event: RunEvent): Snapshot<unknown> {
  const actor = createActor(machine, { snapshot: from });
  actor.start();
  actor.send(event);
  const out = actor.getPersistedSnapshot();
  actor.stop();
  return out;
}

/** A run through its life: running, a gate failing (blocked), paused, failed. */
const life: RunEvent[] = [
  { type: 'PREREQS_PASSED', checks: [] },
  baselineEvent(['1', '2']),
  startedEvent('a', '1'),
  ok('a', '1'),
  startedEvent('a', '2', 500),
  ok('a', '2'),
  startedEvent('b', '1'),
  ok('b', '1'),
  startedEvent('b', '2'),
  fail('b', '2'),
  { type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) },
  startedEvent('b', '2'),
  { type: 'RETRY_REQUESTED', by: 'ops', reopened: [{ step: 'b', count: 1 }], gate: 'p1' },
  startedEvent('b', '2'),
  { type: 'PAUSE_REQUESTED', by: 'ops' },
  { type: 'PAUSED', by: 'driver' },
  startedEvent('b', '2'),
  { type: 'RESUMED', by: 'ops' },
  ok('b', '2'),
  { type: 'GATE_PASSED', gate: 'p1', report: gateReport('p1', true) },
  startedEvent('c', '1'),
  { type: 'RUN_FAILED', reason: 'boom' },
  startedEvent('c', '1'),
];

describe('skipping events that cannot change the snapshot', () => {
  it('in every state of a run, a UNIT_STARTED the cursor skips leaves the chart exactly where sending it does', () => {
    // Sent every event, as with an inspector: the chart's own answer.
    const full = new RunCursor(machine, undefined, { inspect: () => undefined });
    let skipped = 0;
    for (const e of life) {
      const before = full.persisted();
      const predicted = leavesSnapshot(e, full.snapshot.context);
      full.apply(e);
      if (predicted) {
        skipped++;
        expect(full.persisted()).toEqual(before);
      }
    }
    expect(skipped).toBe(8);
  });

  it('a fast cursor and one sent every event (as with an inspector) end in the same snapshot', () => {
    const fast = new RunCursor(machine);
    const full = new RunCursor(machine, undefined, { inspect: () => undefined });
    for (const e of life) {
      fast.apply(e);
      full.apply(e);
      expect(fast.persisted()).toEqual(full.persisted());
    }
  });

  it('a UNIT_STARTED with a budget estimate, or on a snapshot from before the ops counters, is not skipped', () => {
    const cursor = new RunCursor(machine);
    cursor.apply({ type: 'PREREQS_PASSED', checks: [] });
    cursor.apply(baselineEvent(['1']));
    const ctx = cursor.snapshot.context;
    const estimated = startedEvent('a', '1', 100);
    expect(leavesSnapshot(estimated, ctx)).toBe(false);
    const before = cursor.persisted();
    expect(sent(before, estimated)).not.toEqual(before);

    // A snapshot persisted before the ops counters existed: the first unit event creates them.
    const old = {
      ...(before as object),
      context: { ...ctx, ops: undefined },
    } as unknown as Snapshot<unknown>;
    const plain = startedEvent('a', '1');
    expect(leavesSnapshot(plain, { ...ctx, ops: undefined })).toBe(false);
    const after = sent(old, plain) as unknown as RunSnapshot;
    expect(after.context.ops).toBeDefined();
  });

  it('on random walks through runs of three partitions a step, the cursor that folds unit events into the context agrees with the chart at every event', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const partitions = ['1', '2', '3'];
    /** The events a driver or operator could log now (a few of each kind). */
    const offers = (snap: RunSnapshot): RunEvent[] => {
      const by = 'test';
      if (snap.matches('paused')) return [{ type: 'RESUMED', by }, ok('a', '1')];
      if (snap.matches('failed')) return [{ type: 'RETRY_REQUESTED', reopened: [], by }];
      if (!snap.matches('active')) return [];
      const out: RunEvent[] = rand(8) === 0 ? [{ type: 'PAUSE_REQUESTED', by }] : [];
      if (snap.context.pauseRequested) out.push({ type: 'PAUSED', by });
      for (const e of activeEffects(snap)) {
        if (e.effect === 'checkPrerequisites') out.push({ type: 'PREREQS_PASSED', checks: [] });
        if (e.effect === 'measureBaseline') out.push(baselineEvent(partitions));
        if (e.effect === 'evaluateGate') {
          out.push({ type: 'GATE_PASSED', gate: e.gate, report: gateReport(e.gate, true) });
          out.push({ type: 'GATE_FAILED', gate: e.gate, report: gateReport(e.gate, false) });
        }
        if (e.effect === 'blocked') {
          const reopened = Object.entries(snap.context.steps)
            .filter(([, c]) => c.failed > 0)
            .map(([step, c]) => ({ step, count: c.failed }));
          out.push({ type: 'RETRY_REQUESTED', reopened, gate: e.gate, by });
        }
        if (e.effect === 'finish') out.push({ type: 'RUN_SUCCEEDED', summary: {} });
        if (e.effect === 'runStep') {
          const p = partitions[rand(3)];
          // Unit events mostly, as in a real run.
          for (let k = 0; k < 3; k++) out.push(startedEvent(e.step, p), ok(e.step, p));
          out.push(
            startedEvent(e.step, p),
            startedEvent(e.step, p, 10),
            ok(e.step, p),
            ok(e.step, p),
            fail(e.step, p),
            fail(e.step, p, false),
            {
              type: 'CONCURRENCY_CHANGED',
              step: e.step,
              from: 2,
              to: 1,
              cause: 'quotaExceeded',
              partition: p,
            },
          );
        }
      }
      return out;
    };
    const view = (c: RunCursor) => {
      const snap = c.snapshot;
      const p = c.persisted() as unknown as { value: unknown; context: unknown; status: string };
      return {
        value: snap.value,
        context: snap.context,
        status: runStatus(snap),
        effects: activeEffects(snap),
        persisted: { value: p.value, context: p.context, status: p.status },
      };
    };
    let events = 0;
    let folded = 0;
    for (let walk = 0; walk < 100; walk++) {
      const fast = new RunCursor(machine);
      const full = new RunCursor(machine, undefined, { inspect: () => undefined });
      for (let i = 0; i < 80; i++) {
        const choices = offers(full.snapshot);
        if (choices.length === 0) break;
        const e = choices[rand(choices.length)];
        const snap = full.snapshot;
        if (keepsStateValue(e, snap.value, snap.context)) folded++;
        fast.apply(e);
        full.apply(e);
        events++;
        expect(view(fast)).toEqual(view(full));
      }
      // Restored from the persisted snapshot (as a resume does), the fast cursor goes on as the chart does.
      const again = new RunCursor(machine, fast.persisted());
      expect(again.snapshot.value).toEqual(full.snapshot.value);
      expect(again.snapshot.context).toEqual(full.snapshot.context);
    }
    expect(events).toBeGreaterThan(2000);
    expect(folded).toBeGreaterThan(500);
  });

  it('rests on the chart as it is: unit events are handled by `active` alone, with actions and no target', () => {
    // keepsStateValue and leavesSnapshot assume this shape; a chart that handles a unit event anywhere else, or
    // moves on one, must fail here before a cursor could fold such an event past it.
    const handlers: { state: string; type: string; targets: unknown; actions: unknown }[] = [];
    const visit = (node: { id: string; config: { on?: Record<string, unknown> }; states: object }) => {
      for (const type of ['UNIT_STARTED', 'UNIT_SUCCEEDED', 'UNIT_FAILED']) {
        const on = node.config.on?.[type] as { target?: unknown; actions?: unknown } | undefined;
        if (on) handlers.push({ state: node.id, type, targets: on.target, actions: on.actions });
      }
      for (const child of Object.values(node.states)) visit(child);
    };
    visit(machine.root as never);
    expect(handlers).toEqual([
      { state: 'run.active', type: 'UNIT_STARTED', targets: undefined, actions: 'ops' },
      { state: 'run.active', type: 'UNIT_SUCCEEDED', targets: undefined, actions: 'outcome' },
      { state: 'run.active', type: 'UNIT_FAILED', targets: undefined, actions: 'outcome' },
    ]);
  });
});
