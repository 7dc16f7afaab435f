// A unit's attempts as given/when/then specifications: the log's events of the unit are given, a look-up's
// answer, a new attempt, a result or a failure is the command, the events to append (and what follows) the
// outcome. The rules are DESIGN §4's: STARTED before the work, an in-doubt attempt is looked up before any new
// one, retries back off with jitter within the step's budget.
import { describe, expect, it } from 'vitest';
import {
  decideUnit,
  evolveUnit,
  initialUnit,
  lastAttempt,
  type RunEvent,
  type UnitCommand,
  type UnitErrorInfo,
} from '../../machines/index.js';
import { DeciderSpecification } from './spec.js';

const given = DeciderSpecification({
  decide: decideUnit,
  evolve: evolveUnit,
  initialState: () => initialUnit('a', '2024-01-01'),
});
const unit = { step: 'a', partition: '2024-01-01' };
const started = (attempt: number, reason: 'first' | 'retry' | 'in-doubt', jobRef?: string): RunEvent => ({
  type: 'UNIT_STARTED',
  ...unit,
  attempt,
  reason,
  ...(jobRef ? { jobRef } : {}),
});
const err = (code: string, retryable: boolean, details?: Record<string, unknown>): UnitErrorInfo => ({
  code,
  message: `${code} on a`,
  retryable,
  ...(details ? { details } : {}),
});
const failed = (attempt: number, error: UnitErrorInfo, final: boolean, retryInMs?: number): RunEvent => ({
  type: 'UNIT_FAILED',
  ...unit,
  attempt,
  error,
  final,
  ...(retryInMs === undefined ? {} : { retryInMs }),
});
const fail = (error: UnitErrorInfo, tries: number, extra: Partial<UnitCommand> = {}): UnitCommand =>
  ({ type: 'failed', error, tries, retries: 1, cancelled: false, draw: 0, ...extra }) as UnitCommand;

describe('a new attempt', () => {
  it('the first attempt of a unit never started is attempt 1, reason first, with its job reference', () => {
    given([])
      .when({ type: 'start', jobRef: 'job-1' })
      .then([started(1, 'first', 'job-1')]);
    given([])
      .when({ type: 'start' })
      .then([started(1, 'first')]);
  });

  it('after a logged failure the next attempt is a retry with the next number', () => {
    given([started(1, 'first'), failed(1, err('QUERY', true), false, 250)])
      .when({ type: 'start' })
      .then([started(2, 'retry')]);
  });

  it('an attempt left in doubt whose job never existed is followed by a new attempt, reason in-doubt', () => {
    given([started(1, 'first', 'job-1')])
      .when({ type: 'looked-up', answer: { status: 'not-found' } })
      .thenDecides({ events: [], next: { do: 'attempt' } });
    given([started(1, 'first', 'job-1')])
      .when({ type: 'start', jobRef: 'job-2' })
      .then([started(2, 'in-doubt', 'job-2')]);
  });

  it('a unit re-opened by a retry starts its next attempt as a retry', () => {
    given([
      started(1, 'first'),
      failed(1, err('QUERY', false), true),
      { type: 'RETRY_REQUESTED', by: 'ops', reopened: [{ step: 'a', count: 1 }] },
    ])
      .when({ type: 'start' })
      .then([started(2, 'retry')]);
  });

  it('a logged start is followed by running the attempt', () => {
    given([])
      .when({ type: 'start' })
      .thenDecides({ next: { do: 'run' } });
  });
});

describe('looking up the last attempt', () => {
  it('is needed when the attempt is open, or failed with a job, but not after a failed expectation', () => {
    const last = (events: RunEvent[]) =>
      lastAttempt(events.reduce(evolveUnit, initialUnit('a', '2024-01-01')));
    expect(last([])).toEqual({ attempt: 0, jobRef: undefined, open: false, lookUp: false });
    expect(last([started(1, 'first', 'j')])).toEqual({ attempt: 1, jobRef: 'j', open: true, lookUp: true });
    expect(last([started(1, 'first', 'j'), failed(1, err('BACKEND', true), false, 9)])).toEqual({
      attempt: 1,
      jobRef: 'j',
      open: false,
      lookUp: true,
    });
    expect(last([started(1, 'first', 'j'), failed(1, err('EXPECTATION', true), false, 9)])).toMatchObject({
      open: false,
      lookUp: false,
    });
    expect(last([started(1, 'first'), failed(1, err('QUERY', true), false, 9)])).toMatchObject({
      lookUp: false,
    });
    expect(
      last([started(1, 'first', 'j'), { type: 'UNIT_SUCCEEDED', ...unit, attempt: 1, rows: 3, ms: 5 }]),
    ).toMatchObject({ open: false, lookUp: false });
  });

  it('an open attempt whose job succeeded is attached: succeeded, reconciled, nothing re-run', () => {
    given([started(1, 'first', 'job-1')])
      .when({ type: 'looked-up', answer: { status: 'succeeded', rows: 7 } })
      .thenDecides({
        events: [{ type: 'UNIT_SUCCEEDED', ...unit, attempt: 1, rows: 7, ms: 0, reconciled: true }],
        next: { do: 'stop', outcome: 'succeeded' },
      });
  });

  it('a failed attempt whose job in fact succeeded is first logged in doubt again, then succeeded', () => {
    given([started(1, 'first', 'job-1'), failed(1, err('BACKEND', true), false, 250)])
      .when({ type: 'looked-up', answer: { status: 'succeeded', rows: 7 } })
      .then([
        started(1, 'in-doubt', 'job-1'),
        { type: 'UNIT_SUCCEEDED', ...unit, attempt: 1, rows: 7, ms: 0, reconciled: true },
      ]);
  });

  it('an open attempt whose job failed logs that failure (not final), then a new attempt follows', () => {
    const jobError = err('QUERY', false);
    given([started(1, 'first', 'job-1')])
      .when({ type: 'looked-up', answer: { status: 'failed', error: jobError } })
      .thenDecides({ events: [failed(1, jobError, false)], next: { do: 'attempt' } });
    given([started(1, 'first', 'job-1'), failed(1, jobError, false)])
      .when({ type: 'start', jobRef: 'job-2' })
      .then([started(2, 'retry', 'job-2')]);
  });

  it('a failure already logged is not logged twice when the job turns out failed', () => {
    given([started(1, 'first', 'job-1'), failed(1, err('BACKEND', true), false, 250)])
      .when({ type: 'looked-up', answer: { status: 'failed', error: err('QUERY', false) } })
      .thenDecides({ events: [], next: { do: 'attempt' } });
  });

  it('a job found alive is logged in doubt once before it is waited on', () => {
    given([started(1, 'first', 'job-1'), failed(1, err('BACKEND', true), false, 250)])
      .when({ type: 'attached' })
      .then([started(1, 'in-doubt', 'job-1')]);
    given([started(1, 'first', 'job-1')])
      .when({ type: 'attached' })
      .then([]);
  });
});

describe('an attempt’s result', () => {
  it('a committed write succeeds the current attempt with its rows, time and process', () => {
    const command = { pid: 42, exitCode: 0, log: 'logs/r/a/2024-01-01.log' };
    given([started(1, 'first'), failed(1, err('QUERY', true), false, 250), started(2, 'retry')])
      .when({ type: 'materialized', rows: 10, ms: 31, command })
      .thenDecides({
        events: [{ type: 'UNIT_SUCCEEDED', ...unit, attempt: 2, rows: 10, ms: 31, command }],
        next: { do: 'stop', outcome: 'succeeded' },
      });
  });

  it('a retryable failure within the budget waits the default backoff: 500 ms drawn from [250, 500]', () => {
    const e = err('QUERY', true);
    given([started(1, 'first')])
      .when(fail(e, 1))
      .thenDecides({ events: [failed(1, e, false, 250)], next: { do: 'wait', ms: 250 } });
    given([started(1, 'first')])
      .when(fail(e, 1, { draw: 0.5 }))
      .thenDecides({ events: [failed(1, e, false, 375)], next: { do: 'wait', ms: 375 } });
  });

  it('the wait doubles with each failure the runner has seen', () => {
    const e = err('BACKEND', true);
    given([started(2, 'retry')])
      .when(fail(e, 2, { retries: 3 }))
      .then([{ ...failed(2, e, false, 500) }]);
    given([started(3, 'retry')])
      .when(fail(e, 3, { retries: 3 }))
      .then([{ ...failed(3, e, false, 1_000) }]);
  });

  it('a quota failure waits at least the backend’s wait, spread up to half as long again', () => {
    const e = err('QUOTA', true, { retryAfterMs: 300_000 });
    given([started(1, 'first', 'j')])
      .when(fail(e, 1))
      .then([failed(1, e, false, 300_000)]);
    given([started(1, 'first', 'j')])
      .when(fail(e, 1, { draw: 0.5 }))
      .then([failed(1, e, false, 375_000)]);
  });

  it('exhausting the retries, or a failure that is not retryable, is final: no wait, the unit fails', () => {
    const e = err('QUERY', true);
    given([started(2, 'retry')])
      .when(fail(e, 2))
      .thenDecides({ events: [failed(2, e, true)], next: { do: 'stop', outcome: 'failed' } });
    const hard = err('ACCESS_DENIED', false);
    given([started(1, 'first')])
      .when(fail(hard, 1, { retries: 5 }))
      .thenDecides({ events: [failed(1, hard, true)], next: { do: 'stop', outcome: 'failed' } });
  });

  it('a failure while cancelling is not final and not waited out: the unit stays pending', () => {
    const e = err('CANCELLED', false);
    given([started(1, 'first')])
      .when(fail(e, 1, { cancelled: true }))
      .thenDecides({ events: [failed(1, e, false)], next: { do: 'stop', outcome: 'left-pending' } });
  });

  it('a failed look-up fails the attempt being looked up, not a new one', () => {
    const e = err('BACKEND', true);
    given([started(3, 'retry', 'job-3')])
      .when(fail(e, 1))
      .then([failed(3, e, false, 250)]);
  });
});
