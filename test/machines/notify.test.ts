// Notification decisions: which targets an event concerns, unique ids from the cause's seq, bodies naming the
// run, the gate or error and the command to act on it; stalled once per quiet spell, from fed timestamps.
import { describe, expect, it } from 'vitest';
import { decideNotifications, decideStalled, type NotifySpec } from '../../machines/index.js';

const targets: NotifySpec[] = [
  { on: ['gate_blocked', 'run_failed'], webhook: 'https://a.example/h' },
  { on: ['stalled'], webhook: 'https://b.example/h', stalledAfterMs: 60_000 },
];
const ctx = (seq: number) => ({ runId: 'r7', planName: 'nba', seq, cli: 'phased' });

describe('notification decisions', () => {
  it('decides one notification per interested target, with the gate and the command to act', () => {
    const report = { gate: 'p3', passed: false, tables: [], notNull: [], checks: [] } as never;
    const [d, ...rest] = decideNotifications(targets, { type: 'GATE_FAILED', gate: 'p3', report }, ctx(41));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ type: 'NOTIFY_DECIDED', id: 'gate_blocked@41#0', trigger: 'gate_blocked' });
    expect(d.target).toBe('https://a.example/h');
    expect(d.body.text).toContain('phased run r7 (nba): gate p3 blocked the run');
    expect(d.body.text).toContain('`phased approve r7 --gate p3 --reason TEXT');
    expect(decideNotifications(targets, { type: 'RUN_SUCCEEDED', summary: {} }, ctx(50))).toEqual([]);
    expect(decideNotifications(undefined, { type: 'RUN_FAILED', reason: 'x' }, ctx(50))).toEqual([]);
  });

  it('decides stalled only past stalledAfter with units in flight, once per quiet spell', () => {
    const base = { lastFinishMs: 1_000_000, inFlight: 2, already: new Set<string>() };
    expect(decideStalled(targets, { ...base, nowMs: 1_000_000 + 59_999 }, ctx(9))).toEqual([]);
    const [d] = decideStalled(targets, { ...base, nowMs: 1_000_000 + 60_000 }, ctx(9));
    expect(d).toMatchObject({ id: 'stalled@9#1', trigger: 'stalled', target: 'https://b.example/h' });
    expect(decideStalled(targets, { ...base, nowMs: 2_000_000, already: new Set([d.id]) }, ctx(9))).toEqual(
      [],
    );
    expect(decideStalled(targets, { ...base, nowMs: 2_000_000, inFlight: 0 }, ctx(9))).toEqual([]);
  });
});
