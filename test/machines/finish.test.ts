// What a driver appends as a run or its own turn ends, as given/when/then specifications: the summary when the
// run completes, a requested stop settled only once no unit is in flight (cancel before pause), the detach.
import { describe, it } from 'vitest';
import { decideFinish, evolveRun, type RunEvent } from '../../machines/index.js';
import { baselineEvent, fail, freshRunState, gateReport, ok } from './helpers.js';
import { DeciderSpecification } from './spec.js';

const given = DeciderSpecification({ decide: decideFinish, evolve: evolveRun, initialState: freshRunState });
const running: RunEvent[] = [{ type: 'PREREQS_PASSED', checks: [] }, baselineEvent(['1', '2'])];

describe('finishing', () => {
  it('a completed run succeeds with each step’s done, failed and total', () => {
    given([
      ...running,
      ok('a', '1'),
      ok('a', '2'),
      ok('b', '1'),
      fail('b', '2'),
      { type: 'GATE_PASSED', gate: 'p1', report: gateReport('p1', true) },
      ok('c', '1'),
      ok('c', '2'),
      ok('d', '1'),
      ok('d', '2'),
      { type: 'GATE_PASSED', gate: 'p2', report: gateReport('p2', true) },
    ])
      .when({ type: 'finish' })
      .then([
        {
          type: 'RUN_SUCCEEDED',
          summary: {
            a: { done: 2, failed: 0, total: 2 },
            b: { done: 1, failed: 1, total: 2 },
            c: { done: 2, failed: 0, total: 2 },
            d: { done: 2, failed: 0, total: 2 },
          },
        },
      ]);
  });

  it('a requested pause is settled only when no unit is in flight', () => {
    const requested: RunEvent[] = [...running, { type: 'PAUSE_REQUESTED', by: 'ops' }];
    given(requested).when({ type: 'settle-stop', by: 'd', inflight: 3 }).then([]);
    given(requested)
      .when({ type: 'settle-stop', by: 'd', inflight: 0 })
      .then([{ type: 'PAUSED', by: 'd', reason: 'requested' }]);
  });

  it('a cancel outranks a pause', () => {
    given([...running, { type: 'PAUSE_REQUESTED', by: 'ops' }, { type: 'CANCEL_REQUESTED', by: 'ops' }])
      .when({ type: 'settle-stop', by: 'd', inflight: 0 })
      .then([{ type: 'CANCELLED', by: 'd', reason: 'requested' }]);
  });

  it('nothing is settled when nothing was requested', () => {
    given(running).when({ type: 'settle-stop', by: 'd', inflight: 0 }).then([]);
  });

  it('the driver detaches with its process, host, version and reason', () => {
    given(running)
      .when({ type: 'detach', pid: 7, host: 'box', version: '1.0.0', reason: 'SIGTERM' })
      .then([{ type: 'DRIVER_DETACHED', pid: 7, host: 'box', version: '1.0.0', reason: 'SIGTERM' }]);
  });
});
