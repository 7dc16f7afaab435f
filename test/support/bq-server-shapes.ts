// Response shapes of the BigQuery REST API subset the real client uses, for the local test server.
// Pure builders (job resources, error bodies, query responses); routing and state live in bq-server.ts.

export type FailureKind =
  | 'rateLimitExceeded'
  | 'quotaExceeded'
  | 'backendError'
  | 'accessDenied'
  | 'invalidQuery'
  | 'notFound'
  | 'serialization'
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
    statistics: {
      creationTime: '1700000000000',
      query: { totalBytesProcessed: '0', statementType: 'SELECT' },
    },
  };
}

export type Cell = string | number | boolean | null;

function typeOf(v: Cell): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'INTEGER' : 'FLOAT';
  if (typeof v === 'boolean') return 'BOOLEAN';
  return 'STRING';
}

/** A query response (jobs.query / getQueryResults) carrying `rows` with a schema inferred from them. */
export function rowsResponse(
  kind: 'bigquery#queryResponse' | 'bigquery#getQueryResultsResponse',
  ref: JobReference,
  rows: Record<string, Cell>[],
  columns?: string[],
  totalRows?: number,
): unknown {
  const names = columns ?? Object.keys(rows[0] ?? {});
  const fields = names.map((name) => ({
    name,
    type: typeOf(rows.find((r) => r[name] !== null && r[name] !== undefined)?.[name] ?? ''),
    mode: 'NULLABLE',
  }));
  return {
    kind,
    jobReference: { location: 'US', ...ref },
    jobComplete: true,
    schema: { fields },
    rows: rows.map((r) => ({
      f: names.map((n) => ({ v: r[n] === null || r[n] === undefined ? null : String(r[n]) })),
    })),
    totalRows: String(totalRows ?? rows.length),
  };
}

export type QueryParams = Record<string, { type: string; value: string | null }>;

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

/** `dataset.table` a CREATE TABLE statement creates (DDL jobs make tables.get find it), if any. */
export function ddlTable(text: string): string | undefined {
  const m = /CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(?:[\w-]+\.)?(\w+)\.(\w+)`?/i.exec(text);
  return m ? `${m[1]}.${m[2]}` : undefined;
}
