// The cursor skips events that cannot change the snapshot (leavesSnapshot); skipping must give exactly the snapshot
// the statechart itself gives when it is sent every event.

import { describe, expect, it } from 'vitest';
import { createActor, type Snapshot } from 'xstate';
import { leavesSnapshot, RunCursor, type RunEvent, type RunSnapshot } from '../../machines/index.js';
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
});
