// Timeline rendering: state values in one line, the short detail of each event kind, and the state printed only
// when an event changed it, with the leaf states it left and entered (short paths).
import { describe, expect, it } from 'vitest';
import { createRunMachine, RunCursor, type RunEvent } from '../../../machines/index.js';
import {
  eventDetail,
  joinPaths,
  leafPaths,
  stateChange,
  stateLabel,
  Timeline,
} from '../../../src/observe/index.js';
import type { StoredEvent } from '../../../store/index.js';
import { twoPhasePlan } from '../../support/plans.js';

describe('timeline rendering', () => {
  it('renders nested and parallel state values', () => {
    expect(stateLabel('succeeded')).toBe('succeeded');
    expect(stateLabel({ active: 'prerequisites' })).toBe('active.prerequisites');
    expect(
      stateLabel({ active: { 'phase:p1': { 'group:0': { 'step:a': 'running', 'step:b': 'settled' } } } }),
    ).toBe('active.phase:p1.group:0.{step:a:running, step:b:settled}');
  });

  it('names the unit, gate and actor of an event', () => {
    expect(
      eventDetail({
        type: 'UNIT_SUCCEEDED',
        step: 'a',
        partition: '2024-01-02',
        attempt: 1,
        rows: 5,
        ms: 12,
      }),
    ).toBe('a 2024-01-02 attempt 1: 5 rows in 12 ms');
    expect(eventDetail({ type: 'GATE_OVERRIDDEN', gate: 'p1', reason: 'known outage', by: '1@h' })).toBe(
      'p1 by 1@h: known outage',
    );
    expect(eventDetail({ type: 'PAUSED', by: '1@h', reason: 'deploy' })).toBe('by 1@h: deploy');
  });
});

const report = (gate: string) => ({ gate, ok: true, minCoverage: 1, tables: [], notNull: [], checks: [] });
const ok = (step: string): RunEvent => ({
  type: 'UNIT_SUCCEEDED',
  step,
  partition: '2024-01-01',
  attempt: 1,
  rows: 1,
  ms: 1,
});

/** A run of the two-phase plan through the real machine, as stored rows (state = the value after each event). */
function storedRun(): StoredEvent[] {
  const events: RunEvent[] = [
    { type: 'PREREQS_PASSED', checks: [] },
    {
      type: 'BASELINE_RECORDED',
      partitions: 1,
      steps: ['a', 'b', 'c', 'd'].map((step) => ({
        step,
        expected: 1,
        present: 0,
        missing: 1,
        toRun: ['2024-01-01'],
      })),
    },
    { type: 'UNIT_STARTED', step: 'a', partition: '2024-01-01', attempt: 1, reason: 'first' },
    ok('a'),
    ok('b'),
    { type: 'GATE_PASSED', gate: 'p1', report: report('p1') },
    { type: 'PAUSE_REQUESTED', by: '1@h' },
    { type: 'PAUSED', by: '1@h' },
    { type: 'RESUMED', by: '1@h' },
  ];
  const cursor = new RunCursor(createRunMachine(twoPhasePlan()));
  const rows = events.map((e, i) => ({
    runId: 'r',
    seq: i + 1,
    at: `2024-01-01T00:00:0${i}.000Z`,
    type: e.type,
    data: JSON.stringify(e),
    state: JSON.stringify(cursor.apply(e).value),
    prevHash: '',
    hash: '',
  }));
  cursor.stop();
  return rows;
}

describe('state changes in the timeline', () => {
  it('lists leaf states as paths and diffs them', () => {
    const before = leafPaths({
      active: { 'phase:p1': { 'group:0': { 'step:a': 'running', 'step:b': 'running' } } },
    });
    expect(before).toEqual([
      'active.phase:p1.group:0.step:a.running',
      'active.phase:p1.group:0.step:b.running',
    ]);
    const after = leafPaths({
      active: { 'phase:p1': { 'group:0': { 'step:a': 'settled', 'step:b': 'running' } } },
    });
    expect(stateChange(before, after)).toEqual({
      entered: ['phase:p1.group:0.step:a.settled'],
      left: ['phase:p1.group:0.step:a.running'],
    });
    expect(leafPaths('paused')).toEqual(['paused']);
    expect(joinPaths(['phase:p2.group:0.step:c.running', 'phase:p2.group:0.step:d.running'])).toBe(
      'phase:p2.group:0.{step:c.running, step:d.running}',
    );
    expect(joinPaths(['paused', 'succeeded'])).toBe('paused, succeeded');
  });

  it('prints the state only when it changes, saying what was left and entered', () => {
    const rows = storedRun();
    const t = new Timeline();
    const lines = rows.map((r) => t.line(r));
    const by = (type: string) => lines.filter((l) => l.includes(` ${type} `) || l.endsWith(` ${type}`));
    expect(lines[0]).toMatch(/ PREREQS_PASSED\s+entered baseline → active\.baseline$/);
    expect(by('BASELINE_RECORDED')[0]).toMatch(
      /left baseline; entered phase:p1\.group:0\.\{step:a\.running, step:b\.running\} → active\.phase:p1\.group:0\.\{step:a:running, step:b:running\}$/,
    );
    // Events that change nothing carry no state at all.
    for (const type of ['UNIT_STARTED', 'PAUSE_REQUESTED']) {
      expect(by(type)).toHaveLength(1);
      expect(by(type)[0]).not.toContain('→');
      expect(by(type)[0]).not.toContain('phase:');
    }
    expect(by('UNIT_SUCCEEDED')[0]).toContain(
      'a 2024-01-01 attempt 1: 1 rows in 1 ms  left phase:p1.group:0.step:a.running; entered phase:p1.group:0.step:a.settled → ',
    );
    // Leaving a group or a phase names it once, not each state inside it.
    expect(by('UNIT_SUCCEEDED')[1]).toContain('left phase:p1.group:0; entered phase:p1.gate.evaluating → ');
    expect(by('GATE_PASSED')[0]).toContain('left phase:p1; entered phase:p2.group:0.step:c.running → ');
    expect(by('PAUSED')[0]).toMatch(/left active; entered paused → paused$/);
    expect(by('RESUMED')[0]).toMatch(/left paused; entered phase:p2\.group:0\.step:c\.running → active\./);
    // The point: far fewer state texts than events.
    expect(lines.filter((l) => l.includes('→'))).toHaveLength(7);
  });

  it('keeps the full state on every NDJSON row, with entered and left added', () => {
    const rows = storedRun();
    const t = new Timeline();
    const entries = rows.map((r) => t.entry(r));
    entries.forEach((e, i) => {
      expect(e.state).toEqual(JSON.parse(rows[i].state));
      expect(e).toMatchObject({ seq: rows[i].seq, at: rows[i].at, type: rows[i].type });
    });
    expect(entries.find((e) => e.type === 'UNIT_STARTED')).toMatchObject({ entered: [], left: [] });
    expect(entries.find((e) => e.type === 'PAUSED')).toMatchObject({
      entered: ['paused'],
      left: ['active'],
    });
  });
});
