// Retries re-open failed units (and a blocked phase); pause and resume return to exactly where the run stood.
import { describe, expect, it } from 'vitest';
import { RunCursor, runStatus } from '../../machines/index.js';
import { fail, gateReport, machine, ok, runningSteps, started } from './helpers.js';

describe('retry and pause', () => {
  it('RETRY_REQUESTED on a blocked gate re-opens the failed units and runs the phase again', () => {
    const c = started(['1', '2']);
    for (const e of [ok('a', '1'), ok('a', '2'), ok('b', '1'), fail('b', '2')]) c.apply(e);
    c.apply({ type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) });
    expect(c.snapshot.context.steps.b).toEqual({ total: 2, done: 1, failed: 1, pending: 0 });
    c.apply({ type: 'RETRY_REQUESTED', by: 'ops', reopened: [{ step: 'b', count: 1 }], gate: 'p1' });
    expect(runStatus(c.snapshot)).toBe('running');
    expect(c.snapshot.context.steps.b).toEqual({ total: 2, done: 1, failed: 0, pending: 1 });
    expect(c.snapshot.context.gates.p1.status).toBe('pending');
    expect(runningSteps(c.snapshot)).toEqual(['b']);
    c.apply(ok('b', '2'));
    c.apply({ type: 'GATE_PASSED', gate: 'p1', report: gateReport('p1', true) });
    expect(runningSteps(c.snapshot)).toEqual(['c']);
  });

  it('a retry of a settled step in the running group moves it back to running', () => {
    const c = started(['1']);
    c.apply(fail('a', '1'));
    expect(runningSteps(c.snapshot)).toEqual(['b']);
    c.apply({ type: 'RETRY_REQUESTED', by: 'resume', reopened: [{ step: 'a', count: 1 }] });
    expect(runningSteps(c.snapshot)).toEqual(['a', 'b']);
  });

  it('pause keeps counters, and resume returns to the same parallel configuration', () => {
    const c = started(['1', '2']);
    c.apply(ok('a', '1'));
    c.apply({ type: 'PAUSE_REQUESTED', by: 'ops' });
    expect(c.snapshot.context.pauseRequested).toBe(true);
    c.apply(ok('b', '1'));
    const before = c.snapshot.value;
    c.apply({ type: 'PAUSED', by: 'driver' });
    expect(runStatus(c.snapshot)).toBe('paused');
    c.apply(ok('a', '2'));
    expect(c.snapshot.context.steps.a.done).toBe(1);
    c.apply({ type: 'RESUMED', by: 'ops' });
    expect(c.snapshot.value).toEqual(before);
    expect(c.snapshot.context.pauseRequested).toBe(false);
  });

  it('a failed prerequisite fails the run; a retry goes back and checks again', () => {
    const fresh = new RunCursor(machine);
    fresh.apply({ type: 'PREREQS_FAILED', checks: [{ name: 'schedule', ok: false }] });
    expect(runStatus(fresh.snapshot)).toBe('failed');
    expect(fresh.snapshot.context.failure).toMatch(/schedule/);
    fresh.apply({ type: 'RETRY_REQUESTED', by: 'resume', reopened: [] });
    expect(fresh.snapshot.value).toEqual({ active: 'prerequisites' });
  });

  it('cancel is final', () => {
    const c = started(['1']);
    c.apply({ type: 'CANCEL_REQUESTED', by: 'ops' });
    c.apply({ type: 'CANCELLED', by: 'driver' });
    expect(runStatus(c.snapshot)).toBe('cancelled');
    c.apply({ type: 'RESUMED', by: 'ops' });
    expect(runStatus(c.snapshot)).toBe('cancelled');
  });
});
