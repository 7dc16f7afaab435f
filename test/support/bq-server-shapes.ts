// Response shapes of the BigQuery REST API subset the real client uses, for the local test server.
// Pure builders (job resources, error bodies, query responses); routing and state live in bq-server.ts.

import type { BqType } from './bq-sql.js';
import type { Cell, QueryParams, QueryResult } from './bq-tables.js';

export type FailureKind =
  | 'rateLimitExceeded'
  | 'quotaExceeded'
  | 'backendError'
  | 'accessDenied'
  | 'invalidQuery'
  | 'notFound'
  | 'serialization'
  /**
   * More mutating DML statements queued against one table than BigQuery allows (20): the job fails with reason
   * `resourcesExceeded`, HTTP 400, and a message naming the table (the subject) and the limit.
   */
  | 'tooManyDml'
  /** The same reason for a query that needs more memory than BigQuery gives it: a query to fix, not a rate. */
  | 'resourcesExceeded'
  /** Insert only: the job IS created, but the client gets a 503 (the insert outcome is unknown to it). */
  | 'unavailableAfterAccept';

export interface ErrorSpec {
  http: number;
  reason: string;
  message: string;
}

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export function failureSpec(kind: FailureKind, subject: string): ErrorSpec {
  switch (kind) {
    case 'rateLimitExceeded':
      return {
        http: 403,
        reason: 'rateLimitExceeded',
        message: `Exceeded rate limits: too many table update operations for this table (${subject})`,
      };
    case 'quotaExceeded':
      return {
        http: 403,
        reason: 'quotaExceeded',
        message: 'Quota exceeded: Your project exceeded quota for concurrent queries.',
      };
    case 'backendError':
      return { http: 500, reason: 'backendError', message: 'Backend error. Job aborted.' };
    case 'unavailableAfterAccept':
      return { http: 503, reason: 'backendError', message: 'The service is currently unavailable.' };
    case 'accessDenied':
      return {
        http: 403,
        reason: 'accessDenied',
        message: `Access Denied: ${subject}: User does not have bigquery.jobs.create permission`,
      };
    case 'invalidQuery':
      return {
        http: 400,
        reason: 'invalidQuery',
        message: 'Syntax error: Unexpected identifier "SELEC" at [1:1]',
      };
    case 'notFound':
      return { http: 404, reason: 'notFound', message: `Not found: ${subject} was not found in location US` };
    case 'tooManyDml':
      return {
        http: 400,
        reason: 'resourcesExceeded',
        message: `Resources exceeded during query execution: Too many DML statements outstanding against table ${subject}, limit is 20`,
      };
    case 'resourcesExceeded':
      return {
        http: 400,
        reason: 'resourcesExceeded',
        message:
          'Resources exceeded during query execution: The query could not be executed in the allotted memory.',
      };
    case 'serialization':
      return {
        http: 400,
        reason: 'invalidQuery',
        message: `Could not serialize access to table ${subject} due to concurrent update`,
      };
  }
}

export function errorBody(e: ErrorSpec): unknown {
  return {
    error: {
      code: e.http,
      message: e.message,
      errors: [{ message: e.message, domain: 'global', reason: e.reason }],
      status: STATUS[e.http] ?? 'UNKNOWN',
    },
  };
}

export interface JobReference {
  projectId: string;
  jobId: string;
  location?: string;
}

export interface JobState {
  ref: JobReference;
  configuration: Record<string, unknown>;
  /** Polls (jobs.get) still answered with RUNNING. */
  pollsLeft: number;
  error?: ErrorSpec;
  done: boolean;
  /** What the job does when it finishes (run the SELECT, create the table), checked at insert. */
  work?: () => QueryResult | { created: unknown };
  /** The result of a finished SELECT (rows written, for a materialize). */
  result?: QueryResult;
  /** Bytes processed and billed and slot time, reported in statistics once the job is DONE without error. */
  stats?: JobStats;
}

export interface JobStats {
  processed: number;
  billed: number;
  slotMs: number;
}

const MIB = 2 ** 20;

/**
 * On-demand billing of a query (BigQuery pricing docs): bytes processed rounded up to the nearest MB, with a
 * minimum of 10 MB per table the query references. Slot time is not derivable; the server reports a
 * deterministic 100 ms per table read plus 1 ms per MiB processed.
 */
export function billing(processed: number, tables: number): JobStats {
  const rounded = Math.ceil(processed / MIB) * MIB;
  return {
    processed,
    billed: Math.max(rounded, 10 * MIB * tables),
    slotMs: 100 * tables + Math.ceil(processed / MIB),
  };
}

/** A job refused for billing more than its maximumBytesBilled, as BigQuery words it. */
export function bytesBilledLimit(limit: string, billed: number): ErrorSpec {
  return {
    http: 400,
    reason: 'bytesBilledLimitExceeded',
    message: `Query exceeded limit for bytes billed: ${limit}. ${billed} or higher required.`,
  };
}

export function jobResource(job: JobState): unknown {
  const status: Record<string, unknown> = { state: job.done ? 'DONE' : 'RUNNING' };
  if (job.done && job.error) {
    const err = { reason: job.error.reason, message: job.error.message };
    status.errorResult = err;
    status.errors = [err];
  }
  return {
    kind: 'bigquery#job',
    id: `${job.ref.projectId}:${job.ref.location ?? 'US'}.${job.ref.jobId}`,
    jobReference: { location: 'US', ...job.ref },
    configuration: job.configuration,
    status,
    statistics: statisticsOf(job),
  };
}

function statisticsOf(job: JobState): Record<string, unknown> {
  const st = job.done && !job.error ? job.stats : undefined;
  if (!st)
    return { creationTime: '1700000000000', query: { totalBytesProcessed: '0', statementType: 'SELECT' } };
  return {
    creationTime: '1700000000000',
    totalBytesProcessed: String(st.processed),
    totalSlotMs: String(st.slotMs),
    query: {
      totalBytesProcessed: String(st.processed),
      totalBytesBilled: String(st.billed),
      totalSlotMs: String(st.slotMs),
      billingTier: 1,
      statementType: 'SELECT',
    },
  };
}

const REST_TYPE: Record<BqType, string> = {
  STRING: 'STRING',
  INT64: 'INTEGER',
  FLOAT64: 'FLOAT',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  NUMERIC: 'NUMERIC',
};

function restValue(v: Cell): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/** A query response (jobs.query / getQueryResults): the schema and the rows as REST cells (`{ f: [{ v }] }`). */
export function rowsResponse(
  kind: 'bigquery#queryResponse' | 'bigquery#getQueryResultsResponse',
  ref: JobReference,
  result: QueryResult,
  maxResults?: number,
): unknown {
  const rows = maxResults === undefined ? result.rows : result.rows.slice(0, maxResults);
  return {
    kind,
    jobReference: { location: 'US', ...ref },
    jobComplete: true,
    schema: {
      fields: result.fields.map((f) => ({ name: f.name, type: REST_TYPE[f.type], mode: 'NULLABLE' })),
    },
    rows: rows.map((r) => ({ f: result.fields.map((f) => ({ v: restValue(r[f.name] ?? null) })) })),
    totalRows: String(result.rows.length),
  };
}

export function paramsOf(raw: unknown): QueryParams {
  const out: QueryParams = {};
  for (const p of (raw as {
    name: string;
    parameterType: { type: string };
    parameterValue?: { value?: string };
  }[]) ?? []) {
    out[p.name] = { type: p.parameterType.type, value: p.parameterValue?.value ?? null };
  }
  return out;
}
