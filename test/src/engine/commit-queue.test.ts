// The driver's group commit: events queued in one turn share a transaction, and the loop is woken only
// when a flush may have given it something to do. Real store, real RunLog, real machine.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../machines/index.js';
import { LONG_UNIT_MS, nextBatch, SPLIT_EVENTS } from '../../../src/engine/commit-queue.js';
import { CommitQueue, createRun, RunLog, wakesLoop } from '../../../src/engine/index.js';
import { openEventStore, type StoredEvent } from '../../../store/index.js';
import { tempDir } from '../../support/cli.js';
import { twoPhasePlan } from '../../support/plans.js';

const row = (type: string, state: string): StoredEvent => ({ type, state }) as unknown as StoredEvent;

describe('wakesLoop', () => {
  it('stays asleep for unit progress that leaves the state as it was', () => {
    const s = '{"active":"x"}';
    expect(wakesLoop(s, [row('UNIT_SUCCEEDED', s), row('UNIT_STARTED', s), row('UNIT_FAILED', s)])).toBe(
      false,
    );
  });
  it('wakes on a state change, on any other event, and on a failed flush', () => {
    const s = '{"active":"x"}';
    expect(wakesLoop(s, [row('UNIT_SUCCEEDED', s), row('UNIT_SUCCEEDED', '{"active":"y"}')])).toBe(true);
    expect(wakesLoop(s, [row('UNIT_SUCCEEDED', '{"active":"y"}')])).toBe(true);
    expect(wakesLoop(s, [row('PAUSE_REQUESTED', s)])).toBe(true);
    expect(wakesLoop(s, [row('UNIT_STARTED', s), row('RETRY_REQUESTED', s)])).toBe(true);
    expect(wakesLoop(s, undefined)).toBe(true);
  });
});

describe('nextBatch', () => {
  const pair = (i: number, ms: number): { event: RunEvent }[] => [
    { event: { type: 'UNIT_SUCCEEDED', step: 'a', partition: `p${i}`, attempt: 1, rows: 1, ms } },
    { event: { type: 'UNIT_STARTED', step: 'a', partition: `q${i}`, attempt: 1, reason: 'first' } },
  ];
  const queue = (n: number, ms: number) => Array.from({ length: n }, (_, i) => pair(i, ms)).flat();
  it('appends the first SPLIT_EVENTS of a queue that holds results of long units', () => {
    expect(nextBatch(queue(8, LONG_UNIT_MS))).toBe(SPLIT_EVENTS);
    expect(nextBatch([...queue(7, 0), ...queue(1, 10_000)])).toBe(SPLIT_EVENTS);
  });
  it('appends the whole queue for short units, and a queue no longer than SPLIT_EVENTS', () => {
    expect(nextBatch(queue(8, LONG_UNIT_MS - 1))).toBe(16);
    expect(nextBatch(queue(SPLIT_EVENTS / 2, 10_000))).toBe(SPLIT_EVENTS);
    expect(nextBatch(queue(1, 10_000))).toBe(2);
  });
  it('with two appends free to fly, cuts a queue of short units after half its UNIT_STARTED', () => {
    // Interleaved results and starts: 16 pairs, cut after the 8th start.
    expect(nextBatch(queue(16, 0), true)).toBe(16);
    // All results first, then the starts: every result and half the starts go first.
    const grouped = [...queue(16, 0)].sort((a, b) => (a.event.type < b.event.type ? 1 : -1));
    expect(grouped.slice(0, 16).every((p) => p.event.type === 'UNIT_SUCCEEDED')).toBe(true);
    expect(nextBatch(grouped, true)).toBe(24);
    // Fewer than two starts, or long units' results: as without the cut.
    const one = [...queue(8, 0).filter((p) => p.event.type === 'UNIT_SUCCEEDED'), ...pair(9, 0)];
    expect(nextBatch(one, true)).toBe(one.length);
    expect(nextBatch(queue(8, LONG_UNIT_MS), true)).toBe(SPLIT_EVENTS);
  });
});

describe('CommitQueue', () => {
  it('commits one turn in one transaction and wakes the loop only when the step settles', async () => {
    const store = await openEventStore(join(tempDir('phased-queue-'), 'phased.db'));
    const partitions = ['2024-01-01', '2024-01-02'];
    const runId = await createRun(store, twoPhasePlan(), { runId: 'q' });
    const log = await RunLog.open(store, runId);
    const baseline = (step: string, toRun: string[]) => ({
      step,
      expected: 2,
      present: 2 - toRun.length,
      missing: toRun.length,
      toRun,
    });
    await log.commit([
      { type: 'PREREQS_PASSED', checks: [] },
      // Step b has nothing to run: a's units alone decide when phase p1's group settles.
      { type: 'BASELINE_RECORDED', partitions: 2, steps: [baseline('a', partitions), baseline('b', [])] },
    ]);
    let wakes = 0;
    const q = new CommitQueue(log, () => wakes++);
    const started = (p: string): RunEvent => ({
      type: 'UNIT_STARTED',
      step: 'a',
      partition: p,
      attempt: 1,
      reason: 'first',
    });
    const done = (p: string): RunEvent => ({
      type: 'UNIT_SUCCEEDED',
      step: 'a',
      partition: p,
      attempt: 1,
      rows: 1,
      ms: 1,
    });

    const before = log.seq;
    await Promise.all(partitions.map((p) => q.commit(started(p))));
    // Both starts arrived in one turn and are durable when their promises resolve.
    expect(log.seq).toBe(before + 2);
    expect(wakes).toBe(0);
    await q.commit(done(partitions[0]));
    expect(wakes).toBe(0);
    const stateBefore = log.stateText;
    await q.commit(done(partitions[1]));
    // The last unit settles the step: the state moves on and the loop must look.
    expect(log.stateText).not.toBe(stateBefore);
    expect(wakes).toBe(1);
    expect(log.seq).toBe(before + 4);
    await store.close();
  });

  it('returns a failed commit to the caller of flush, rejects the waiters and wakes the loop', async () => {
    const store = await openEventStore(join(tempDir('phased-queue-'), 'phased.db'));
    const runId = await createRun(store, twoPhasePlan(), { runId: 'q' });
    const log = await RunLog.open(store, runId);
    let wakes = 0;
    const q = new CommitQueue(log, () => wakes++);
    const pending = q.commit({ type: 'PREREQS_PASSED', checks: [] });
    await store.close();
    const failed = await q.flush();
    expect(failed).toBeInstanceOf(Error);
    await expect(pending).rejects.toBe(failed);
    expect(wakes).toBe(1);
  });
});
