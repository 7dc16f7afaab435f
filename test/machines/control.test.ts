// Operators' commands as given/when/then specifications (DESIGN §4, README's control rows): with a live driver
// pause and cancel only request (the driver settles them), without one they settle at once; retry re-opens
// failed units within what may run now or re-checks a blocked gate; approve passes a blocked gate on record.
// A command that names nothing in the plan is BAD_ARGUMENT; one the run's state refuses is INVALID_COMMAND.
import { describe, it } from 'vitest';
import { type ControlState, decideControl, evolveRun, type RunEvent } from '../../machines/index.js';
import { baselineEvent, fail, freshRunState, gateReport, ok } from './helpers.js';
import { DeciderSpecification } from './spec.js';

const noDriver = DeciderSpecification({
  decide: decideControl,
  evolve: (s: ControlState, e: RunEvent) => ({ ...evolveRun(s, e), driver: s.driver }),
  initialState: (): ControlState => ({ ...freshRunState(), driver: null }),
});
const liveDriver = DeciderSpecification({
  decide: decideControl,
  evolve: (s: ControlState, e: RunEvent) => ({ ...evolveRun(s, e), driver: s.driver }),
  initialState: (): ControlState => ({ ...freshRunState(), driver: '77@box' }),
});
const created: RunEvent = {
  type: 'RUN_CREATED',
  runId: 'run-1',
  planName: 'two-phase',
  planHash: 'hash-1',
  range: { start: '2024-01-01', end: '2024-01-03' },
  machineVersion: 'v-test',
  refill: 'missing',
};
const d1 = '2024-01-01';
const d2 = '2024-01-02';
const running: RunEvent[] = [created, { type: 'PREREQS_PASSED', checks: [] }, baselineEvent([d1, d2])];
const blocked: RunEvent[] = [
  ...running,
  ok('a', d1),
  ok('a', d2),
  ok('b', d1),
  fail('b', d2),
  { type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) },
];
const ops = { by: 'ops@box', reason: 'maintenance' };

describe('pause and cancel', () => {
  it('with a live driver only the request is logged', () => {
    liveDriver(running)
      .when({ type: 'pause', ...ops })
      .then([{ type: 'PAUSE_REQUESTED', ...ops }]);
    liveDriver(running)
      .when({ type: 'cancel', ...ops })
      .then([{ type: 'CANCEL_REQUESTED', ...ops }]);
  });

  it('with no driver the request is settled at once', () => {
    noDriver(running)
      .when({ type: 'pause', ...ops })
      .then([
        { type: 'PAUSE_REQUESTED', ...ops },
        { type: 'PAUSED', ...ops },
      ]);
    noDriver(blocked)
      .when({ type: 'cancel', ...ops })
      .then([
        { type: 'CANCEL_REQUESTED', ...ops },
        { type: 'CANCELLED', ...ops },
      ]);
  });

  it('a run never driven is recorded first', () => {
    noDriver([])
      .when({ type: 'pause', ...ops })
      .then([created, { type: 'PAUSE_REQUESTED', ...ops }, { type: 'PAUSED', ...ops }]);
  });

  it('a paused run can be cancelled, not paused again', () => {
    const paused: RunEvent[] = [...running, { type: 'PAUSE_REQUESTED', ...ops }, { type: 'PAUSED', ...ops }];
    noDriver(paused)
      .when({ type: 'cancel', ...ops })
      .then([
        { type: 'CANCEL_REQUESTED', ...ops },
        { type: 'CANCELLED', ...ops },
      ]);
    noDriver(paused)
      .when({ type: 'pause', ...ops })
      .thenThrows('INVALID_COMMAND', /run run-1 is paused; it cannot be paused now\. It is already paused/);
  });

  it('a finished run refuses both', () => {
    const cancelled: RunEvent[] = [
      ...running,
      { type: 'CANCEL_REQUESTED', ...ops },
      { type: 'CANCELLED', ...ops },
    ];
    noDriver(cancelled)
      .when({ type: 'cancel', ...ops })
      .thenThrows('INVALID_COMMAND', /run run-1 is cancelled; it cannot be cancelled now/);
    noDriver(cancelled)
      .when({ type: 'pause', ...ops })
      .thenThrows('INVALID_COMMAND');
  });
});

describe('resume', () => {
  it('continues a paused run on record, and refuses any other', () => {
    noDriver([...running, { type: 'PAUSE_REQUESTED', ...ops }, { type: 'PAUSED', ...ops }])
      .when({ type: 'resume', ...ops })
      .then([{ type: 'RESUMED', ...ops }]);
    noDriver(running)
      .when({ type: 'resume', ...ops })
      .thenThrows('INVALID_COMMAND', /run run-1 is running; only a paused run can be resumed/);
  });
});

describe('retry', () => {
  it('re-opens a blocked gate’s failed units', () => {
    noDriver(blocked)
      .when({ type: 'retry', by: 'ops@box' })
      .then([
        {
          type: 'RETRY_REQUESTED',
          by: 'ops@box',
          reason: 'requested by operator',
          reopened: [{ step: 'b', count: 1 }],
          gate: 'p1',
        },
      ]);
  });

  it('counts only the named partitions of the named step', () => {
    noDriver([...running, fail('a', d1), fail('a', d2)])
      .when({ type: 'retry', by: 'ops@box', step: 'a', partitions: [d2], reason: 'flaky' })
      .then([
        {
          type: 'RETRY_REQUESTED',
          by: 'ops@box',
          reason: 'flaky',
          reopened: [{ step: 'a', count: 1 }],
          step: 'a',
          partitions: [d2],
        },
      ]);
  });

  it('a unit already re-opened is not re-opened twice', () => {
    noDriver([
      ...running,
      fail('a', d1),
      { type: 'RETRY_REQUESTED', by: 'x', reopened: [{ step: 'a', count: 1 }] },
    ])
      .when({ type: 'retry', by: 'ops@box' })
      .thenThrows('INVALID_COMMAND', /run run-1 is running: nothing to retry \(no failed units/);
  });

  it('refuses a step the plan does not have, and a partition that is not a date', () => {
    noDriver(blocked)
      .when({ type: 'retry', by: 'o', step: 'zz' })
      .thenThrows('BAD_ARGUMENT', /--step zz is not a step of run run-1's plan \(steps: a, b, c, d\)/);
    noDriver(blocked)
      .when({ type: 'retry', by: 'o', partitions: ['2024-13-01'] })
      .thenThrows('BAD_ARGUMENT', /--partition 2024-13-01 is not a date: expected YYYY-MM-DD/);
  });

  it('with nothing to re-open at a blocked gate, names the re-check and the approval', () => {
    const clean: RunEvent[] = [
      ...running,
      ok('a', d1),
      ok('a', d2),
      ok('b', d1),
      ok('b', d2),
      { type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) },
    ];
    noDriver(clean)
      .when({ type: 'retry', by: 'o' })
      .thenThrows(
        'INVALID_COMMAND',
        /phased retry run-1 --gate p1`; to pass it on record: `phased approve run-1/,
      );
    noDriver(clean)
      .when({ type: 'retry', by: 'o', step: 'a' })
      .thenThrows(
        'INVALID_COMMAND',
        /nothing to retry in step a \(no failed units that may be re-opened now\)\.$/,
      );
  });
});

describe('retry --gate', () => {
  it('re-checks the blocked gate as the data stands, re-opening no unit', () => {
    liveDriver(blocked)
      .when({ type: 'recheck-gate', by: 'ops@box', gate: 'p1' })
      .then([
        {
          type: 'RETRY_REQUESTED',
          gate: 'p1',
          reopened: [],
          by: 'ops@box',
          reason: 'gate re-check requested by operator',
        },
      ]);
  });

  it('refuses a gate that is not blocked, naming its state', () => {
    noDriver(running)
      .when({ type: 'recheck-gate', by: 'o', gate: 'p1' })
      .thenThrows('INVALID_COMMAND', /gate p1 of run run-1 is not evaluated yet \(run running\)/);
    noDriver(blocked)
      .when({ type: 'recheck-gate', by: 'o', gate: 'p2' })
      .thenThrows(
        'INVALID_COMMAND',
        /gate p2 of run run-1 is not evaluated yet \(run blocked, blocked at gate p1\)/,
      );
  });

  it('refuses an unknown gate, and units named with a gate', () => {
    noDriver(blocked)
      .when({ type: 'recheck-gate', by: 'o', gate: 'zz' })
      .thenThrows('BAD_ARGUMENT', /run run-1 has no gate zz \(gates: p1, p2\)/);
    noDriver(blocked)
      .when({ type: 'recheck-gate', by: 'o', gate: 'p1', step: 'b' })
      .thenThrows('BAD_ARGUMENT', /--gate re-checks a gate as the data stands and re-opens no unit/);
  });
});

describe('approve', () => {
  it('passes a blocked gate on record', () => {
    noDriver(blocked)
      .when({ type: 'approve', by: 'ops@box', gate: 'p1', reason: 'known gap' })
      .then([{ type: 'GATE_OVERRIDDEN', gate: 'p1', reason: 'known gap', by: 'ops@box' }]);
  });

  it('refuses a gate not reached, an unknown gate and an empty reason', () => {
    noDriver(running)
      .when({ type: 'approve', by: 'o', gate: 'p1', reason: 'x' })
      .thenThrows('INVALID_COMMAND', /gate p1 of run run-1 is pending \(run running\); only a blocked gate/);
    noDriver(blocked)
      .when({ type: 'approve', by: 'o', gate: 'nope', reason: 'x' })
      .thenThrows('BAD_ARGUMENT', /has no gate nope/);
    noDriver(blocked)
      .when({ type: 'approve', by: 'o', gate: 'p1', reason: '  ' })
      .thenThrows('BAD_ARGUMENT', /non-empty --reason/);
  });
});
