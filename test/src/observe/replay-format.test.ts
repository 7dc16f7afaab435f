// Timeline rendering: state values in one line, and the short detail of each event kind.
import { describe, expect, it } from 'vitest';
import { eventDetail, stateLabel } from '../../../src/observe/index.js';

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
