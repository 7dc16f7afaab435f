// Gates are states: nothing downstream runs before GATE_PASSED (or an override), and a blocked gate holds.
import { describe, expect, it } from 'vitest';
import { activeEffects, blockedGate, runStatus } from '../../machines/index.js';
import { fail, gateReport, ok, runningSteps, started } from './helpers.js';

describe('gates', () => {
  it('evaluates the gate only once every step of the phase has settled', () => {
    const c = started(['1']);
    expect(runningSteps(c.snapshot)).toEqual(['a', 'b']);
    c.apply(ok('a', '1'));
    expect(runningSteps(c.snapshot)).toEqual(['b']);
    expect(activeEffects(c.snapshot).some((e) => e.effect === 'evaluateGate')).toBe(false);
    c.apply(fail('b', '1', false));
    expect(runningSteps(c.snapshot)).toEqual(['b']);
    c.apply(fail('b', '1', true));
    expect(activeEffects(c.snapshot)).toEqual([{ effect: 'evaluateGate', gate: 'p1', phase: 'p1' }]);
  });

  it('a failed gate blocks: no phase-2 step ever becomes active, whatever unit events arrive', () => {
    const c = started(['1']);
    c.apply(ok('a', '1'));
    c.apply(ok('b', '1'));
    c.apply({ type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) });
    expect(runStatus(c.snapshot)).toBe('blocked');
    c.apply(ok('c', '1'));
    c.apply({ type: 'GATE_PASSED', gate: 'p2', report: gateReport('p2', true) });
    expect(runStatus(c.snapshot)).toBe('blocked');
    expect(runningSteps(c.snapshot)).toEqual([]);
  });

  it('an override passes the blocked gate with its reason on record and the next phase starts', () => {
    const c = started(['1']);
    c.apply(ok('a', '1'));
    c.apply(ok('b', '1'));
    c.apply({ type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) });
    c.apply({ type: 'GATE_OVERRIDDEN', gate: 'p1', reason: 'known gap', by: 'ops' });
    expect(c.snapshot.context.gates.p1).toMatchObject({ status: 'overridden', reason: 'known gap' });
    expect(runningSteps(c.snapshot)).toEqual(['c']);
  });

  it('a gate event for another gate is ignored', () => {
    const c = started(['1']);
    c.apply(ok('a', '1'));
    c.apply(ok('b', '1'));
    c.apply({ type: 'GATE_PASSED', gate: 'p2', report: gateReport('p2', true) });
    expect(activeEffects(c.snapshot)).toEqual([{ effect: 'evaluateGate', gate: 'p1', phase: 'p1' }]);
  });

  it('a gate re-check (RETRY_REQUESTED with the gate and no units) evaluates the blocked gate again', () => {
    const c = started(['1', '2']);
    c.apply(ok('a', '1'));
    c.apply(ok('a', '2'));
    c.apply(ok('b', '1'));
    c.apply(fail('b', '2'));
    c.apply({ type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) });
    expect(blockedGate(c.snapshot)).toBe('p1');
    c.apply({ type: 'RETRY_REQUESTED', gate: 'p1', reopened: [], by: 'ops', reason: 'data repaired' });
    expect(runStatus(c.snapshot)).toBe('running');
    expect(blockedGate(c.snapshot)).toBeUndefined();
    expect(activeEffects(c.snapshot)).toEqual([{ effect: 'evaluateGate', gate: 'p1', phase: 'p1' }]);
    expect(c.snapshot.context.gates.p1).toEqual({ status: 'pending' });
    // The failed unit stays failed: a re-check re-opens nothing.
    expect(c.snapshot.context.steps.b).toEqual({ total: 2, done: 1, failed: 1, pending: 0 });
    expect(runningSteps(c.snapshot)).toEqual([]);
    c.apply({ type: 'GATE_PASSED', gate: 'p1', report: gateReport('p1', true) });
    expect(runningSteps(c.snapshot)).toEqual(['c']);
  });

  it('a re-check that fails again blocks again; a re-check of another gate changes nothing', () => {
    const c = started(['1']);
    c.apply(ok('a', '1'));
    c.apply(ok('b', '1'));
    c.apply({ type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) });
    const blocked = c.snapshot.value;
    c.apply({ type: 'RETRY_REQUESTED', gate: 'p2', reopened: [], by: 'ops' });
    expect(c.snapshot.value).toEqual(blocked);
    expect(blockedGate(c.snapshot)).toBe('p1');
    c.apply({ type: 'RETRY_REQUESTED', gate: 'p1', reopened: [], by: 'ops' });
    c.apply({ type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) });
    expect(runStatus(c.snapshot)).toBe('blocked');
    expect(c.snapshot.value).toEqual(blocked);
    expect(runningSteps(c.snapshot)).toEqual([]);
  });
});
