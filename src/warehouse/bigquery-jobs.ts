// Query jobs on BigQuery: insert with a deterministic id (409 = attach), look up by id (only a 404 means no
// such job), poll until DONE, read row counts. It owns no naming and no policy table: ids come from
// bigquery-naming.ts, classification from bigquery-errors.ts.

import { setTimeout as sleep } from 'node:timers/promises';
import type { BigQuery, Job, JobMetadata, Query } from '@google-cloud/bigquery';
import { UnitError } from '../../machines/index.js';
import {
  classify,
  type FailureContext,
  isDuplicate,
  isNotFound,
  type RetryPolicy,
} from './bigquery-errors.js';

export interface JobRuntime {
  bq: BigQuery;
  location?: string;
  policy: RetryPolicy;
  /** Interval between jobs.get polls. */
  pollMs: number;
  /** Transient failures of a poll tolerated before giving up (the job itself keeps running). */
  pollRetries: number;
}

function stageOf(err: unknown): 'insert' | 'job' {
  const resp = (err as { response?: { status?: { state?: string } } } | null)?.response;
  return resp?.status?.state === 'DONE' ? 'job' : 'insert';
}

/** Insert a query job under `jobId`; an existing job with that id (409 duplicate) is attached to, not an error. */
export async function insertOrAttach(
  rt: JobRuntime,
  jobId: string,
  query: Query,
  what: string,
): Promise<{ job: Job; attached: boolean }> {
  try {
    const [job] = await rt.bq.createQueryJob({ ...query, jobId, location: rt.location });
    return { job, attached: false };
  } catch (err) {
    if (isDuplicate(err)) return { job: rt.bq.job(jobId, { location: rt.location }), attached: true };
    throw classify(err, { what, stage: stageOf(err), jobId }, rt.policy);
  }
}

function cancelled(what: string, jobId: string): UnitError {
  return new UnitError(
    'CANCELLED',
    `${what}: cancelled while job ${jobId} was running (a cancel was sent)`,
    false,
    {
      jobId,
    },
  );
}

/** Poll jobs.get until the job is DONE; a finished job with an error throws its classified error. */
export async function waitForJob(
  rt: JobRuntime,
  job: Job,
  what: string,
  signal?: AbortSignal,
): Promise<JobMetadata> {
  const ctx: FailureContext = { what, stage: 'poll', jobId: job.id };
  let transient = 0;
  for (;;) {
    if (signal?.aborted) {
      await job.cancel().catch(() => undefined);
      throw cancelled(what, job.id ?? '');
    }
    let meta: JobMetadata;
    try {
      [meta] = await job.getMetadata();
    } catch (err) {
      const e = classify(err, ctx, rt.policy);
      if (!e.retryable || transient >= rt.pollRetries) throw e;
      transient += 1;
      await pause(rt.pollMs * 2 ** transient, signal);
      continue;
    }
    transient = 0;
    if (meta.status?.state === 'DONE') {
      if (meta.status.errorResult) throw classify(meta.status, { ...ctx, stage: 'job' }, rt.policy);
      return meta;
    }
    await pause(rt.pollMs, signal);
  }
}

/**
 * jobs.get for a job that may not exist: its metadata, or undefined only when BigQuery answers 404 notFound.
 * A transient failure (5xx, backendError, rate limit, connection reset) never means "no such job": it is
 * retried after pollMs × 2, × 4, … up to pollRetries times, then thrown, still retryable, so the caller
 * looks the job up again later instead of starting a new attempt beside it.
 */
export async function lookupJob(
  rt: JobRuntime,
  job: Job,
  what: string,
  signal?: AbortSignal,
): Promise<JobMetadata | undefined> {
  const jobId = job.id ?? '';
  const ctx: FailureContext = { what: `${what}: looking up job ${jobId}`, stage: 'request', jobId };
  for (let transient = 0; ; transient++) {
    if (signal?.aborted) throw cancelled(what, jobId);
    try {
      const [meta] = await job.getMetadata();
      return meta;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      const e = classify(err, ctx, rt.policy);
      if (!e.retryable || transient >= rt.pollRetries) {
        if (!e.retryable) throw e;
        throw new UnitError(
          e.code,
          `${e.message}; job ${jobId} may still run, so no new attempt starts until a look-up answers`,
          true,
          e.details,
        );
      }
      await pause(rt.pollMs * 2 ** (transient + 1), signal);
    }
  }
}

async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // aborted: the caller's loop sees signal.aborted and cancels the job
  }
}

/** Rows written by a finished job: numDmlAffectedRows for DML, else the destination's totalRows. */
export async function rowsWritten(
  rt: JobRuntime,
  job: Job,
  meta: JobMetadata,
  what: string,
): Promise<number> {
  const dml = meta.statistics?.query?.numDmlAffectedRows;
  if (dml !== undefined && dml !== null) return Number(dml);
  try {
    const res = await job.getQueryResults({ maxResults: 0, autoPaginate: false });
    const total = (res[2] as { totalRows?: string | number } | undefined)?.totalRows;
    return total === undefined ? 0 : Number(total);
  } catch (err) {
    throw classify(err, { what, stage: 'request', jobId: job.id }, rt.policy);
  }
}

/** Run a query job to completion (DDL, checks): insert with a random id, wait, return the finished job. */
export async function runJob(
  rt: JobRuntime,
  query: Query,
  what: string,
): Promise<{ job: Job; meta: JobMetadata }> {
  let job: Job;
  try {
    [job] = await rt.bq.createQueryJob({ ...query, location: rt.location });
  } catch (err) {
    throw classify(err, { what, stage: 'request' }, rt.policy);
  }
  const meta = await waitForJob(rt, job, what);
  return { job, meta };
}

/** A finished job's bytes processed and billed and slot time, from its statistics (absent figures omitted). */
export function jobStatistics(meta: JobMetadata): {
  bytesProcessed?: number;
  bytesBilled?: number;
  slotMs?: number;
} {
  const st = meta.statistics;
  const num = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : Number(v));
  const out = {
    bytesProcessed: num(st?.query?.totalBytesProcessed ?? st?.totalBytesProcessed),
    bytesBilled: num(st?.query?.totalBytesBilled),
    slotMs: num(st?.query?.totalSlotMs ?? st?.totalSlotMs),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined && !Number.isNaN(v)));
}
