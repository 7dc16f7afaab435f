// AIMD decisions: a throttling failure halves the step's limit (never below 1); RECOVER_AFTER successes since the
// last change grow it by one, up to the configured concurrency; other failures change nothing.
import { describe, expect, it } from 'vitest';
import {
  decideConcurrency,
  initialOps,
  type OpsContext,
  opsAfter,
  RECOVER_AFTER,
  type RunEvent,
  stepLimit,
} from '../../machines/index.js';

const failed = (code: string, message = 'x', details?: Record<string, unknown>): RunEvent => ({
  type: 'UNIT_FAILED',
  step: 's',
  partition: '2024-01-01',
  attempt: 1,
  error: { code, message, retryable: true, ...(details ? { details } : {}) },
  final: false,
});
const ok: RunEvent = {
  type: 'UNIT_SUCCEEDED',
  step: 's',
  partition: '2024-01-02',
  attempt: 1,
  rows: 1,
  ms: 1,
};

/** Apply an outcome and the change it causes, as the driver's follow-up does. */
function step(ops: OpsContext, e: RunEvent, configured = 8): { ops: OpsContext; changes: RunEvent[] } {
  let next = opsAfter(ops, e);
  const changes = decideConcurrency(next, e, configured);
  for (const c of changes) next = opsAfter(next, c);
  return { ops: next, changes };
}

describe('adaptive concurrency (AIMD)', () => {
  it('halves on rate limit, quota and too-many-DML errors, down to 1, and not on other errors', () => {
    let ops = initialOps();
    const seen: number[] = [];
    for (const e of [
      failed('RATE_LIMIT'),
      failed('QUOTA'),
      // As the BigQuery backend classifies it: from the job's reason and message, named in details.throttle.
      failed('RATE_LIMIT', 'Too many DML statements outstanding against table t, limit is 20', {
        reasons: ['resourcesExceeded'],
        throttle: 'tooManyDml',
      }),
      failed('RATE_LIMIT'),
    ]) {
      const r = step(ops, e);
      ops = r.ops;
      seen.push(stepLimit(ops, 's', 8));
    }
    expect(seen).toEqual([4, 2, 1, 1]);
    expect(step(initialOps(), failed('QUERY')).changes).toEqual([]);
    expect(
      step(initialOps(), failed('RATE_LIMIT', 'x', { throttle: 'tooManyDml' })).changes[0],
    ).toMatchObject({ cause: 'tooManyDml' });
    // A message alone is not a cause: a command's output that quotes it changes nothing.
    expect(
      step(initialOps(), failed('COMMAND_FAILED', 'Too many DML statements outstanding')).changes,
    ).toEqual([]);
    expect(step(initialOps(), failed('QUOTA')).changes[0]).toMatchObject({
      type: 'CONCURRENCY_CHANGED',
      from: 8,
      to: 4,
      cause: 'quotaExceeded',
    });
  });

  it('grows by one after every RECOVER_AFTER successes since the last change, up to the configured limit', () => {
    let ops = step(initialOps(), failed('RATE_LIMIT'), 4).ops; // 4 → 2
    const limits: number[] = [];
    for (let i = 0; i < 4 * RECOVER_AFTER; i++) {
      ops = step(ops, ok, 4).ops;
      limits.push(stepLimit(ops, 's', 4));
    }
    expect(limits[RECOVER_AFTER - 2]).toBe(2);
    expect(limits[RECOVER_AFTER - 1]).toBe(3);
    expect(limits[2 * RECOVER_AFTER - 1]).toBe(4);
    expect(limits.at(-1)).toBe(4);
  });
});
