// A local HTTP server speaking the BigQuery REST subset the real @google-cloud/bigquery client uses.
// Every SQL text it receives is parsed with a GoogleSQL grammar and answered by its meaning: translated to
// SQLite and run on the tables a test registers (bq-tables.ts). It records every job and can be scripted to fail.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BqServer, RecordedJob, ScriptedFailure, TableRef } from './bq-server-api.js';
import {
  billing,
  bytesBilledLimit,
  type ErrorSpec,
  errorBody,
  type FailureKind,
  failureSpec,
  type JobReference,
  type JobState,
  jobResource,
  paramsOf,
  rowsResponse,
} from './bq-server-shapes.js';
import { BqError } from './bq-sql.js';
import { BqTables } from './bq-tables.js';

export type { BqServer, RecordedJob, ScriptedFailure, TableRef } from './bq-server-api.js';
export type { FailureKind } from './bq-server-shapes.js';
export type { Cell } from './bq-tables.js';

/** The error BigQuery answers for a failure of a statement (syntax, names, partition rules). */
function specOf(err: unknown): ErrorSpec {
  if (err instanceof BqError) return { http: err.http, reason: err.reason, message: err.message };
  return {
    http: 400,
    reason: 'invalidQuery',
    message: `bq-server: ${(err as Error).message ?? String(err)}`,
  };
}

/** What a job error names: the job's destination as BigQuery writes it (`project:dataset.table`), else its id. */
function tableOrJob(rec: RecordedJob): string {
  const d = rec.destination;
  return d ? `${d.projectId}:${d.datasetId}.${d.tableId.replace(/\$.*/, '')}` : rec.jobId;
}

/** `dataset.table` → `*.dataset.table` (any project); `project.dataset.table` as it is. */
function tableKey(name: string): string {
  const parts = name.replace(/`/g, '').split('.');
  if (parts.length === 2) return `*.${parts[0]}.${parts[1]}`;
  if (parts.length === 3) return parts.join('.');
  throw new Error(`bq-server: register tables as dataset.table or project.dataset.table, not ${name}`);
}

export async function startBqServer(): Promise<BqServer> {
  const inserts: RecordedJob[] = [];
  const dryRuns: BqServer['dryRuns'] = [];
  const jobs = new Map<string, RecordedJob>();
  const states = new Map<string, JobState>();
  const queries: BqServer['queries'] = [];
  const violations: string[] = [];
  const authorization = new Set<string>();
  const script: ScriptedFailure[] = [];
  const pollsFor = new Map<string, number>();
  const jobFailures = new Map<string, FailureKind>();
  const tables = new BqTables();
  const written = new Map<string, Set<string>>();
  const writes: BqServer['writes'] = [];
  let defaultPolls = 0;
  let holding = false;
  let stallMatch: RegExp | undefined;
  const stalled: RecordedJob[] = [];

  /** A job turns DONE: it runs now; a materialize replaces its partition (or fails, writing nothing). */
  function complete(state: JobState): void {
    state.done = true;
    if (state.error || !state.work) return;
    const rec = jobs.get(state.ref.jobId);
    try {
      const out = state.work();
      if (!('fields' in out)) return;
      state.result = out;
      const dest = rec?.destination;
      const m = dest ? /^(.+)\$(\d{4})(\d{2})(\d{2})$/.exec(dest.tableId) : null;
      if (!rec || !dest || !m) return;
      const day = `${m[2]}-${m[3]}-${m[4]}`;
      const rows = tables.replacePartition(dest.projectId, dest.datasetId, m[1], day, out);
      const key = `${dest.projectId}.${dest.datasetId}.${m[1]}`;
      const set = written.get(key) ?? new Set<string>();
      set.add(day);
      written.set(key, set);
      writes.push({ jobId: rec.jobId, table: key, partition: day, rows });
    } catch (err) {
      state.error = specOf(err);
      state.result = undefined;
    }
  }

  function takeFailure(
    on: ScriptedFailure['on'],
    jobId?: string,
    text?: string,
  ): ScriptedFailure | undefined {
    const i = script.findIndex(
      (f) =>
        f.on === on &&
        (f.jobId === undefined || f.jobId === jobId) &&
        (f.match === undefined || (text !== undefined && f.match.test(text))),
    );
    if (i < 0) return undefined;
    const f = script[i];
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) script.splice(i, 1);
    return f;
  }

  function validate(job: RecordedJob): string | undefined {
    if (!job.destination) return undefined;
    if (!/^(.+)\$(\d{8})$/.test(job.destination.tableId))
      return `job ${job.jobId}: destination ${job.destination.tableId} is not table$YYYYMMDD`;
    if (job.writeDisposition !== 'WRITE_TRUNCATE') {
      return `job ${job.jobId}: writeDisposition ${job.writeDisposition} is not WRITE_TRUNCATE`;
    }
    return undefined;
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  }
  const sendError = (res: ServerResponse, e: ErrorSpec) => send(res, e.http, errorBody(e));

  function insert(project: string, body: Record<string, unknown>, res: ServerResponse) {
    const ref = body.jobReference as JobReference;
    const conf = (body.configuration ?? {}) as Record<string, unknown>;
    const q = (conf.query ?? {}) as Record<string, unknown>;
    const rec: RecordedJob = {
      jobId: ref.jobId,
      projectId: ref.projectId ?? project,
      location: ref.location,
      query: String(q.query ?? ''),
      destination: q.destinationTable as TableRef | undefined,
      writeDisposition: q.writeDisposition as string | undefined,
      labels: (conf.labels ?? {}) as Record<string, string>,
      parameters: paramsOf(q.queryParameters),
      dryRun: conf.dryRun === true,
      maximumBytesBilled: q.maximumBytesBilled as string | undefined,
    };
    if (stallMatch?.test(rec.jobId) && !rec.dryRun) {
      stalled.push(rec);
      return;
    }
    inserts.push(rec);
    const f = takeFailure('insert', rec.jobId, rec.query);
    if (f && f.kind !== 'unavailableAfterAccept') return sendError(res, failureSpec(f.kind, rec.query));
    const bad = validate(rec);
    if (bad) {
      violations.push(bad);
      return sendError(res, { http: 400, reason: 'invalidQuery', message: `bq-server: ${bad}` });
    }
    if (rec.dryRun) {
      // A dry run creates no job: a statement BigQuery would refuse is an error response.
      let processed: number;
      try {
        tables.prepare(rec.query, rec.projectId, rec.parameters);
        processed = server.dryRunBytes ?? tables.bytesRead(rec.query, rec.projectId).bytes;
      } catch (err) {
        return sendError(res, specOf(err));
      }
      dryRuns.push({ query: rec.query, parameters: rec.parameters, bytes: processed });
      const bytes = String(processed);
      return send(res, 200, {
        kind: 'bigquery#job',
        jobReference: ref,
        configuration: conf,
        status: { state: 'DONE' },
        statistics: { totalBytesProcessed: bytes, query: { totalBytesProcessed: bytes } },
      });
    }
    if (jobs.has(rec.jobId)) {
      return sendError(res, {
        http: 409,
        reason: 'duplicate',
        message: `Already Exists: Job ${project}:US.${rec.jobId}`,
      });
    }
    jobs.set(rec.jobId, rec);
    const failKind = jobFailures.get(rec.jobId);
    const state: JobState = {
      ref: { ...ref, projectId: rec.projectId },
      configuration: conf,
      pollsLeft:
        holding && rec.destination ? Number.POSITIVE_INFINITY : (pollsFor.get(rec.jobId) ?? defaultPolls),
      done: false,
      error: failKind ? failureSpec(failKind, tableOrJob(rec)) : undefined,
    };
    states.set(rec.jobId, state);
    // The job is created either way; a statement that does not parse or names a missing table is DONE
    // at once with that error (errorResult), as BigQuery reports it.
    let refused = false;
    if (!state.error) {
      try {
        state.work = tables.prepare(rec.query, rec.projectId, rec.parameters);
        const read = tables.bytesRead(rec.query, rec.projectId);
        state.stats = billing(read.bytes, read.tables);
        // BigQuery refuses a query whose bytes billed would pass maximumBytesBilled before running it.
        const limit = rec.maximumBytesBilled;
        if (limit !== undefined && state.stats.billed > Number(limit)) {
          state.error = bytesBilledLimit(limit, state.stats.billed);
          refused = true;
        }
      } catch (err) {
        state.error = specOf(err);
        refused = true;
      }
    }
    if (refused || (state.pollsLeft <= 0 && !state.error)) complete(state);
    if (f) return sendError(res, failureSpec(f.kind, rec.jobId));
    send(res, 200, jobResource(state));
  }

  function getJob(jobId: string, res: ServerResponse) {
    const f = takeFailure('get', jobId);
    if (f) return sendError(res, failureSpec(f.kind, jobId));
    const state = states.get(jobId);
    if (!state) return sendError(res, failureSpec('notFound', `Job ${jobId}`));
    if (!state.done) {
      if (state.pollsLeft > 0) state.pollsLeft -= 1;
      else complete(state);
    }
    send(res, 200, jobResource(state));
  }

  function results(jobId: string, url: URL, res: ServerResponse) {
    const f = takeFailure('results', jobId);
    if (f) return sendError(res, failureSpec(f.kind, jobId));
    const state = states.get(jobId);
    if (!state || !jobs.has(jobId)) return sendError(res, failureSpec('notFound', `Job ${jobId}`));
    if (!state.done)
      return send(res, 200, {
        kind: 'bigquery#getQueryResultsResponse',
        jobReference: state.ref,
        jobComplete: false,
      });
    if (state.error) return sendError(res, state.error);
    const max = url.searchParams.get('maxResults');
    const result = state.result ?? { fields: [], rows: [] };
    send(
      res,
      200,
      rowsResponse(
        'bigquery#getQueryResultsResponse',
        state.ref,
        result,
        max === null ? undefined : Number(max),
      ),
    );
  }

  function jobsQuery(project: string, body: Record<string, unknown>, res: ServerResponse) {
    const text = String(body.query ?? '');
    const parameters = paramsOf(body.queryParameters);
    queries.push({ query: text, parameters });
    const f = takeFailure('query', undefined, text);
    if (f) return sendError(res, failureSpec(f.kind, text));
    const ref = {
      projectId: project,
      jobId: `job_${randomUUID()}`,
      location: body.location as string | undefined,
    };
    let out: ReturnType<ReturnType<BqTables['prepare']>>;
    try {
      out = tables.prepare(text, project, parameters)();
    } catch (err) {
      return sendError(res, specOf(err));
    }
    const result = 'fields' in out ? out : { fields: [], rows: [] };
    send(res, 200, rowsResponse('bigquery#queryResponse', ref, result));
  }

  function cancel(jobId: string, res: ServerResponse) {
    const state = states.get(jobId);
    if (!state) return sendError(res, failureSpec('notFound', `Job ${jobId}`));
    if (!state.done) {
      state.done = true;
      state.error = {
        http: 400,
        reason: 'stopped',
        message: 'Job execution was cancelled: User requested cancellation',
      };
    }
    send(res, 200, { kind: 'bigquery#jobCancelResponse', job: jobResource(state) });
  }

  function table(dataset: string, tableId: string, project: string, res: ServerResponse) {
    const f = takeFailure('table', `${dataset}.${tableId}`);
    if (f) return sendError(res, failureSpec(f.kind, `${dataset}.${tableId}`));
    if (!tables.find(project, dataset, tableId)) {
      return sendError(res, failureSpec('notFound', `Table ${project}:${dataset}.${tableId}`));
    }
    send(res, 200, {
      kind: 'bigquery#table',
      id: `${project}:${dataset}.${tableId}`,
      tableReference: { projectId: project, datasetId: dataset, tableId },
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length
      ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
      : {};
    if (req.headers.authorization) authorization.add(req.headers.authorization);
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/bigquery\/v2/, '');
    const seg = path.split('/').filter(Boolean);
    const m = req.method ?? 'GET';
    if (seg[0] !== 'projects' || seg.length < 3) return sendError(res, failureSpec('notFound', path));
    const project = seg[1];
    if (m === 'POST' && seg[2] === 'jobs' && seg.length === 3) return insert(project, body, res);
    if (m === 'GET' && seg[2] === 'jobs' && seg.length === 4) return getJob(seg[3], res);
    if (m === 'POST' && seg[2] === 'jobs' && seg[4] === 'cancel') return cancel(seg[3], res);
    if (m === 'GET' && seg[2] === 'queries' && seg.length === 4) return results(seg[3], url, res);
    if (m === 'POST' && seg[2] === 'queries' && seg.length === 3) return jobsQuery(project, body, res);
    if (m === 'GET' && seg[2] === 'datasets' && seg[4] === 'tables')
      return table(seg[3], seg[5], project, res);
    sendError(res, { http: 404, reason: 'notFound', message: `bq-server: no route ${m} ${path}` });
  }

  const http = createServer((req, res) => {
    route(req, res).catch((err: unknown) =>
      sendError(res, { http: 500, reason: 'internalError', message: String(err) }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const server: BqServer = {
    url: `http://127.0.0.1:${port}`,
    inserts,
    jobs,
    queries,
    violations,
    authorization,
    dryRunBytes: undefined,
    dryRuns,
    stats: (jobId) => states.get(jobId)?.stats,
    fail: (f) => script.push({ ...f }),
    keepRunning(polls, jobId) {
      if (jobId === undefined) defaultPolls = polls;
      else pollsFor.set(jobId, polls);
    },
    failJob: (jobId, kind) => jobFailures.set(jobId, kind),
    createTable: (t, columns, rows, opts) => {
      tables.create(tableKey(t), columns, rows, opts?.partitionBy);
    },
    addTable: (t) => tables.register(tableKey(t)),
    rows: (t) => {
      const [p, d, id] = tableKey(t).split('.');
      const info = tables.find(p, d, id);
      if (!info) throw new Error(`bq-server: no table ${t}`);
      return tables.rows(info);
    },
    written,
    writes,
    stalled,
    stall: (match) => {
      stallMatch = match;
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const st of states.values())
        if (!st.done && st.pollsLeft === Number.POSITIVE_INFINITY) st.pollsLeft = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => {
          tables.close();
          resolve();
        });
      }),
  };
  return server;
}
