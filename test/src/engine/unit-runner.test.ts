// What a new attempt is decided from: the unit's last attempt as the real units projection holds it after each
// kind of logged history, so the decision to look a job up before retrying survives kill -9.
import { afterEach, describe, expect, it } from 'vitest';
import { lastAttempt } from '../../../src/engine/index.js';
import { openStore, type SqliteStore } from '../../../store/index.js';
import {
  appendAll,
  baseline,
  createRun,
  ev,
  removeTempDirs,
  started,
  tempDbFile,
} from '../../store/helpers.js';

const unitFailed = (partition: string, code: string, final: boolean) =>
  ev('UNIT_FAILED', {
    step: 'a',
    partition,
    attempt: 1,
    final,
    error: { code, message: `${code} on ${partition}`, retryable: !final },
    ...(final ? {} : { retryInMs: 300_000 }),
  });

describe('the last attempt, from the log', () => {
  let store: SqliteStore | undefined;
  afterEach(() => {
    store?.close();
    removeTempDirs();
  });

  it('looks a job up before retrying whenever the last attempt has one, except after a failed expectation', () => {
    store = openStore(tempDbFile());
    const run = createRun(store);
    const ps = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06'];
    appendAll(store, run, [baseline({ a: ps })]);
    const [fresh, inDoubt, lostAnswer, finalThenRetried, expectation, noJob] = ps;
    appendAll(store, run, [
      started('a', inDoubt, 1, 'job-doubt'),
      started('a', lostAnswer, 1, 'job-lost'),
      unitFailed(lostAnswer, 'BACKEND', false),
      started('a', finalThenRetried, 1, 'job-final'),
      unitFailed(finalThenRetried, 'BACKEND', true),
      ev('RETRY_REQUESTED', { by: 'cli', step: 'a', reopened: [{ step: 'a', count: 1 }] }),
      started('a', expectation, 1, 'job-short'),
      unitFailed(expectation, 'EXPECTATION', false),
      started('a', noJob, 1),
      unitFailed(noJob, 'QUERY', false),
    ]);
    const by = Object.fromEntries(store.units(run, { step: 'a' }).map((u) => [u.partition, lastAttempt(u)]));
    expect(by[fresh]).toEqual({ attempt: 0, jobRef: undefined, open: false, lookUp: false });
    expect(by[inDoubt]).toEqual({ attempt: 1, jobRef: 'job-doubt', open: true, lookUp: true });
    expect(by[lostAnswer]).toEqual({ attempt: 1, jobRef: 'job-lost', open: false, lookUp: true });
    expect(by[finalThenRetried]).toEqual({ attempt: 1, jobRef: 'job-final', open: false, lookUp: true });
    expect(by[expectation]).toEqual({ attempt: 1, jobRef: 'job-short', open: false, lookUp: false });
    expect(by[noJob]).toEqual({ attempt: 1, jobRef: undefined, open: false, lookUp: false });
  });
});
