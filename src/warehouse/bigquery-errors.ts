// Classifies BigQuery failures by error REASON (not HTTP status alone) into UnitErrors the driver can act on.
// It owns the retry policy table; it does not retry anything itself (the driver does, honouring retryAfterMs).

import { type ErrorCode, UnitError } from '../../machines/index.js';

/** How long the driver should wait before retrying, by class of error. */
export interface RetryPolicy {
  /** Rate limits and serialization conflicts: short (the driver waits 1–1.5 × this, growing). Default 1 s. */
  rateLimitMs: number;
  /** Quota exhaustion: minutes (the driver waits 1–1.5 × this, growing). Default 5 min. */
  quotaMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { rateLimitMs: 1_000, quotaMs: 5 * 60_000 };

/** Where the failure happened: after an insert or poll whose outcome is unknown, the job may exist. */
export type FailureStage = 'insert' | 'poll' | 'job' | 'request';

export interface FailureContext {
  /** e.g. `step team_offense partition 2024-01-15` or `query`. */
  what: string;
  stage: FailureStage;
  jobId?: string;
}

interface ReasonedError {
  reason?: string;
  message?: string;
}

/** The facts of a failure: HTTP status (if any), reasons and messages. */
export interface FailureFacts {
  status?: number;
  reasons: string[];
  messages: string[];
  /** A network failure with no HTTP answer (connection reset, refused, timed out). */
  network: boolean;
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Pull status, reasons and messages out of an ApiError, a plain Error or a job's status object. */
export function failureFacts(err: unknown): FailureFacts {
  const e = asRecord(err);
  const list: ReasonedError[] = [];
  if (Array.isArray(e.errors)) list.push(...(e.errors as ReasonedError[]));
  if (e.errorResult) list.push(e.errorResult as ReasonedError);
  const status = typeof e.code === 'number' ? e.code : undefined;
  const messages = list.map((x) => x.message ?? '').filter(Boolean);
  if (typeof e.message === 'string' && e.message && !messages.includes(e.message))
    messages.unshift(e.message);
  const sysCode = typeof e.code === 'string' ? e.code : '';
  const network =
    status === undefined && /^(ECONN|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|UND_ERR|ERR_STREAM)/.test(sysCode);
  return { status, reasons: list.map((x) => x.reason ?? '').filter(Boolean), messages, network };
}

/** A 409 / `duplicate` on insert: the job already exists and should be attached to. */
export function isDuplicate(err: unknown): boolean {
  const f = failureFacts(err);
  return f.status === 409 || f.reasons.includes('duplicate') || f.reasons.includes('alreadyExists');
}

/** A 404 / `notFound`. */
export function isNotFound(err: unknown): boolean {
  const f = failureFacts(err);
  return f.status === 404 || f.reasons.includes('notFound');
}

// Concurrent mutating DML against one table: BigQuery aborts one statement; retry later.
const SERIALIZATION = /could not serialize access|concurrent update/i;

/**
 * BigQuery's limit on mutating DML statements queued against one table: the job fails with reason
 * `resourcesExceeded` (HTTP 400), the reason BigQuery also gives a query that runs out of memory or CPU, so the
 * message tells them apart: `Resources exceeded during query execution: Too many DML statements outstanding
 * against table P:D.T, limit is 20`. A rate limit: retry later, with fewer units of the step at once.
 */
const TOO_MANY_DML = /too many DML statements outstanding/i;

export function isTooManyDml(f: FailureFacts): boolean {
  return f.reasons.includes('resourcesExceeded') && f.messages.some((m) => TOO_MANY_DML.test(m));
}

/** The retry policy table (README-bigquery.md documents it). */
export function classify(
  err: unknown,
  ctx: FailureContext,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): UnitError {
  if (err instanceof UnitError) return err;
  const f = failureFacts(err);
  const has = (...r: string[]) => r.some((x) => f.reasons.includes(x));
  const text = f.messages.join('; ') || 'no message from BigQuery';
  const base: Record<string, unknown> = { reasons: f.reasons, status: f.status };
  if (ctx.jobId) base.jobId = ctx.jobId;
  const make = (code: ErrorCode, retryable: boolean, advice: string, details: Record<string, unknown> = {}) =>
    new UnitError(
      code,
      `${ctx.what}: ${f.reasons[0] ?? (f.status ? `HTTP ${f.status}` : 'error')}: ${text}${advice ? ` (${advice})` : ''}`,
      retryable,
      { ...base, ...details },
    );

  if (isTooManyDml(f)) {
    // `throttle` tells the adaptive concurrency (machines/aimd.ts) why to slow the step down.
    return make(
      'RATE_LIMIT',
      true,
      'too many DML statements queued on the table; retrying with fewer at once',
      {
        retryAfterMs: policy.rateLimitMs,
        throttle: 'tooManyDml',
      },
    );
  }
  if (has('rateLimitExceeded', 'userRateLimitExceeded') || f.messages.some((m) => SERIALIZATION.test(m))) {
    return make('RATE_LIMIT', true, 'rate limited or conflicting update; retrying', {
      retryAfterMs: policy.rateLimitMs,
    });
  }
  if (has('quotaExceeded')) {
    return make('QUOTA', true, `quota exhausted; retrying after ${Math.round(policy.quotaMs / 1000)} s`, {
      retryAfterMs: policy.quotaMs,
    });
  }
  const unknownOutcome = ctx.stage === 'insert' || ctx.stage === 'poll';
  if (has('backendError', 'internalError') || (f.status !== undefined && f.status >= 500) || f.network) {
    return make(
      'BACKEND',
      true,
      unknownOutcome ? 'the job is looked up by id before any new attempt' : 'retrying',
      {
        reuseJobId: unknownOutcome && ctx.jobId !== undefined,
      },
    );
  }
  if (has('accessDenied') || f.status === 403) {
    return make('ACCESS_DENIED', false, 'grant the BigQuery roles the plan needs to the credentials in use');
  }
  if (has('notFound') || f.status === 404) {
    return make('NOT_FOUND', false, 'check the project, dataset and table names in the plan');
  }
  if (has('stopped')) return make('CANCELLED', false, 'the job was cancelled');
  if (has('bytesBilledLimitExceeded')) {
    return make(
      'QUERY',
      false,
      'the job would bill more than its maximumBytesBilled; raise the budget or narrow the SQL',
    );
  }
  return make('QUERY', false, 'fix the SQL and retry the run');
}
