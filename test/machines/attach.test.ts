// What a driver appends when it takes a run, as given/when/then specifications (DESIGN §4 and the log's
// contract): RUN_CREATED first on an empty log, DRIVER_ATTACHED with why, a pause its dead predecessor never
// settled completed then resumed, a paused run resumed only when asked, failed units re-opened on resume.
import { describe, it } from 'vitest';
import { type AttachCommand, decideAttach, evolveRun, type RunEvent } from '../../machines/index.js';
import { baselineEvent, fail, freshRunState, gateReport, ok } from './helpers.js';
import { DeciderSpecification } from './spec.js';

const given = DeciderSpecification({ decide: decideAttach, evolve: evolveRun, initialState: freshRunState });
const driver = { pid: 4242, host: 'box', version: '1.2.3', by: '4242@box' };
const attach = (extra: Partial<AttachCommand> = {}): AttachCommand => ({
  type: 'attach',
  ...driver,
  resumePaused: true,
  ...extra,
});
const attached = (reason: string, extra = {}): RunEvent =>
  ({ type: 'DRIVER_ATTACHED', pid: 4242, host: 'box', version: '1.2.3', reason, ...extra }) as RunEvent;
const created: RunEvent = {
  type: 'RUN_CREATED',
  runId: 'run-1',
  planName: 'two-phase',
  planHash: 'hash-1',
  range: { start: '2024-01-01', end: '2024-01-03' },
  machineVersion: 'v-test',
  refill: 'missing',
};
const running: RunEvent[] = [
  created,
  attached('new'),
  { type: 'PREREQS_PASSED', checks: [] },
  baselineEvent(['1', '2']),
];

describe('attaching a driver', () => {
  it('on an empty log records the run first, then the driver as new', () => {
    given([])
      .when(attach())
      .then([created, attached('new')]);
  });

  it('on a log with events records the driver as resuming, or as the daemon when it is the daemon', () => {
    given(running)
      .when(attach())
      .then([attached('resume')]);
    given(running)
      .when(attach({ reason: 'daemon' }))
      .then([attached('daemon')]);
  });

  it('records a takeover from the owner that never detached, whatever the caller asked', () => {
    given(running)
      .when(attach({ reason: 'daemon', takeoverFrom: '99@box' }))
      .then([attached('takeover', { from: '99@box' })]);
  });

  it('completes a pause requested before the previous driver stopped, then resumes', () => {
    given([...running, { type: 'PAUSE_REQUESTED', by: 'ops' }])
      .when(attach())
      .then([
        attached('resume'),
        { type: 'PAUSED', by: '4242@box', reason: 'requested before the previous driver stopped' },
        { type: 'RESUMED', by: '4242@box', reason: 'resume' },
      ]);
  });

  it('leaves a pause and a cancel both requested to be settled as a cancel', () => {
    given([...running, { type: 'PAUSE_REQUESTED', by: 'ops' }, { type: 'CANCEL_REQUESTED', by: 'ops' }])
      .when(attach())
      .then([attached('resume')]);
  });

  it('resumes a paused run only when asked to (the daemon leaves it paused)', () => {
    const paused: RunEvent[] = [
      ...running,
      { type: 'PAUSE_REQUESTED', by: 'ops' },
      { type: 'PAUSED', by: 'd' },
    ];
    given(paused)
      .when(attach())
      .then([attached('resume'), { type: 'RESUMED', by: '4242@box', reason: 'resume' }]);
    given(paused)
      .when(attach({ reason: 'daemon', resumePaused: false }))
      .then([attached('daemon')]);
  });

  it('re-opens the running group’s failed units on resume', () => {
    given([...running, ok('a', '1'), fail('a', '2')])
      .when(attach())
      .then([
        attached('resume'),
        {
          type: 'RETRY_REQUESTED',
          by: 'resume',
          reason: 'failed units are retried on resume',
          reopened: [{ step: 'a', count: 1 }],
        },
      ]);
  });

  it('re-opens failed units of a paused run after resuming it', () => {
    given([...running, fail('b', '1'), { type: 'PAUSE_REQUESTED', by: 'ops' }, { type: 'PAUSED', by: 'd' }])
      .when(attach())
      .then([
        attached('resume'),
        { type: 'RESUMED', by: '4242@box', reason: 'resume' },
        {
          type: 'RETRY_REQUESTED',
          by: 'resume',
          reason: 'failed units are retried on resume',
          reopened: [{ step: 'b', count: 1 }],
        },
      ]);
  });

  it('re-opens a blocked gate’s phase with its failed units', () => {
    given([
      ...running,
      ok('a', '1'),
      ok('a', '2'),
      ok('b', '1'),
      fail('b', '2'),
      { type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) },
    ])
      .when(attach())
      .then([
        attached('resume'),
        {
          type: 'RETRY_REQUESTED',
          by: 'resume',
          reason: 'failed units are retried on resume',
          reopened: [{ step: 'b', count: 1 }],
          gate: 'p1',
        },
      ]);
  });

  it('re-opens a failed run even with no failed unit: its prerequisites run again', () => {
    given([created, attached('new'), { type: 'PREREQS_FAILED', checks: [{ name: 'schedule', ok: false }] }])
      .when(attach())
      .then([
        attached('resume'),
        { type: 'RETRY_REQUESTED', by: 'resume', reason: 'failed units are retried on resume', reopened: [] },
      ]);
  });

  it('appends nothing beyond the attach for a blocked gate with no failed unit', () => {
    given([
      ...running,
      ok('a', '1'),
      ok('a', '2'),
      ok('b', '1'),
      ok('b', '2'),
      { type: 'GATE_FAILED', gate: 'p1', report: gateReport('p1', false) },
    ])
      .when(attach())
      .then([attached('resume')]);
  });
});
