// The BigQuery warehouse: partition replaces as WRITE_TRUNCATE query jobs with deterministic ids, reconcile by id.
// It owns the Warehouse surface for kind `bigquery`; naming, auth, job polling and error policy live in bigquery-*.ts.

import { performance } from 'node:perf_hooks';
import type { BigQuery, BigQueryOptions, JobMetadata, Query } from '@google-cloud/bigquery';
import { type BigQueryWarehouseSpec, errorInfo, PhasedError, UnitError } from '../../machines/index.js';
import {
  type AuthClientOption,
  checkDefaultCredentials,
  checkKeyFile,
  fixedTokenAuth,
  requireProjectId,
} from './bigquery-auth.js';
import { classify, DEFAULT_RETRY_POLICY, isNotFound, type RetryPolicy } from './bigquery-errors.js';
import {
  insertOrAttach,
  type JobRuntime,
  jobStatistics,
  lookupJob,
  rowsWritten,
  runJob,
  waitForJob,
} from './bigquery-jobs.js';
import {
  coverageSql,
  jobIdFor,
  labelsFor,
  partitionDestination,
  resolveTable,
  typedParams,
} from './bigquery-naming.js';
import { normalizePartition } from './partitions.js';
import { unitParams } from './sql-params.js';
import type { ReconcileResult, Row, SqlParams, UnitRef, Warehouse, WarehouseReads } from './types.js';

export interface BigQueryOpenOptions {
  /** API root (e.g. a local server); BIGQUERY_EMULATOR_HOST is used when this is not set. */
  apiEndpoint?: string;
  /** Credentials to use instead of Application Default Credentials. */
  authClient?: AuthClientOption;
  retryPolicy?: Partial<RetryPolicy>;
  /** Interval between job status polls (default PHASED_BQ_POLL_MS, else 1 s). */
  pollMs?: number;
  /** Transient poll failures tolerated per wait (default 5). */
  pollRetries?: number;
}

export interface BigQueryWarehouse extends Warehouse {
  readonly kind: 'bigquery';
  /** Bytes a query would scan, from a dry-run job (prerequisites, `run --dry-run`). */
  dryRun(sql: string, params?: SqlParams): Promise<{ bytesProcessed: number }>;
}

/** A BigQuery warehouse's reads carry its dry run (prerequisites dry-run every SQL step). */
export function isBigQueryWarehouse(w: WarehouseReads): w is BigQueryWarehouse {
  return w.kind === 'bigquery' && typeof (w as Partial<BigQueryWarehouse>).dryRun === 'function';
}

/** BigQuery values arrive as wrapper objects (dates, numerics); rows carry plain strings and numbers. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const o = v as { value?: unknown; toNumber?: () => number };
    if (typeof o.value === 'string') return o.value;
    if (typeof o.toNumber === 'function') return o.toNumber();
  }
  return v;
}

function plainRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]));
}

/** A positive number from the environment (operational knobs: shorter quota waits, faster polls). */
function envMs(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw new PhasedError('BAD_ARGUMENT', `${name}=${raw} is not valid: expected a number of milliseconds`);
  }
  return n;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const what = (unit: UnitRef) => `step ${unit.step.id} partition ${unit.partition}`;

/** Open the BigQuery backend; credentials and projectId are checked here, before any unit starts. */
export async function openBigQueryWarehouse(
  spec: BigQueryWarehouseSpec,
  opts: BigQueryOpenOptions = {},
): Promise<BigQueryWarehouse> {
  requireProjectId(spec);
  const endpoint = opts.apiEndpoint ?? process.env.BIGQUERY_EMULATOR_HOST;
  const authClient = opts.authClient ?? (endpoint ? fixedTokenAuth('local-endpoint') : undefined);
  if (!authClient) await checkKeyFile();
  const { BigQuery: Client } = await import('@google-cloud/bigquery');
  const clientOpts: BigQueryOptions = {
    projectId: spec.projectId,
    location: spec.location,
    retryOptions: { autoRetry: false },
  };
  if (endpoint) clientOpts.apiEndpoint = endpoint;
  if (authClient) clientOpts.authClient = authClient;
  const bq: BigQuery = new Client(clientOpts);
  if (!authClient) await checkDefaultCredentials(bq);

  const rt: JobRuntime = {
    bq,
    location: spec.location,
    policy: {
      ...DEFAULT_RETRY_POLICY,
      ...definedOnly({
        quotaMs: envMs('PHASED_BQ_QUOTA_WAIT_MS'),
        rateLimitMs: envMs('PHASED_BQ_RATE_LIMIT_WAIT_MS'),
      }),
      ...opts.retryPolicy,
    },
    pollMs: opts.pollMs ?? envMs('PHASED_BQ_POLL_MS') ?? 1_000,
    pollRetries: opts.pollRetries ?? 5,
  };
  const sqlJob = (sql: string, params?: SqlParams): Query => {
    const typed = typedParams(sql, params);
    if (!typed) return { query: sql, useLegacySql: false };
    // The client sends DATE parameters only as BigQueryDate objects.
    const values: Record<string, unknown> = { ...typed.params };
    for (const [name, type] of Object.entries(typed.types)) {
      if (type === 'DATE') values[name] = Client.date(String(typed.params[name]));
    }
    return { query: sql, useLegacySql: false, params: values, types: typed.types };
  };

  async function query(sql: string, params?: SqlParams): Promise<Row[]> {
    try {
      const [rows] = await bq.query({ ...sqlJob(sql, params), location: spec.location });
      return (rows as Row[]).map(plainRow);
    } catch (err) {
      throw classify(err, { what: 'query', stage: 'request' }, rt.policy);
    }
  }

  /**
   * expect.minRows, checked after the job: BigQuery has already replaced the partition, so a short one is
   * reported (EXPECTATION) rather than rolled back; the unit fails and the gate sees the partition as short.
   */
  async function checkMinRows(unit: UnitRef, rows: number): Promise<void> {
    const sql = unit.step.expect?.minRows;
    if (!sql) return;
    const [row] = await query(sql, unitParams(unit));
    const min = Number(row?.min_rows);
    if (row === undefined || row.min_rows === null || Number.isNaN(min)) {
      throw new UnitError('QUERY', `${what(unit)}: expect.minRows returned no numeric min_rows`, false);
    }
    if (rows < min) {
      throw new UnitError(
        'EXPECTATION',
        `${what(unit)}: ${rows} rows, expected at least ${min} (expect.minRows)`,
        false,
        {
          rows,
          minRows: min,
        },
      );
    }
  }

  const warehouse: BigQueryWarehouse = {
    kind: 'bigquery',
    query,

    async listPartitions(sql, params) {
      const rows = await query(sql, params);
      if (rows.length > 0 && !('partition' in rows[0])) {
        throw new UnitError(
          'QUERY',
          `partition query returned columns ${Object.keys(rows[0]).join(', ')}; name the date column \`partition\``,
          false,
        );
      }
      return [...new Set(rows.map((r) => normalizePartition(r.partition, 'partition query')))].sort();
    },

    async tableExists(table) {
      const ref = resolveTable(spec, table);
      try {
        await bq.dataset(ref.datasetId, { projectId: ref.projectId }).table(ref.tableId).getMetadata();
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw classify(err, { what: `table ${table}`, stage: 'request' }, rt.policy);
      }
    },

    async execute(sql) {
      await runJob(rt, sqlJob(sql), 'ddl');
    },

    async partitionCounts(table, column, range) {
      const sql = coverageSql(resolveTable(spec, table), column);
      const rows = await query(sql, { start: range.start, end: range.end });
      const counts = new Map<string, number>();
      for (const r of rows) {
        const date = normalizePartition(r.partition, `${table}.${column}`);
        counts.set(date, (counts.get(date) ?? 0) + Number(r.n));
      }
      return counts;
    },

    jobRefFor: (unit) => jobIdFor(unit),

    async materialize(unit, signal) {
      const started = performance.now();
      if (!unit.step.sql) {
        throw new UnitError(
          'QUERY',
          `${what(unit)}: the step has no sql to materialize (kind sql needs one)`,
          false,
        );
      }
      const jobId = jobIdFor(unit);
      const q: Query = {
        ...sqlJob(unit.step.sql, unitParams(unit)),
        destinationTable: partitionDestination(resolveTable(spec, unit.step.table), unit.partition),
        writeDisposition: 'WRITE_TRUNCATE',
        labels: labelsFor(unit, spec.labels),
      };
      if (spec.maximumBytesBilled) q.maximumBytesBilled = spec.maximumBytesBilled;
      // The budget guard's cap for this unit (never above the plan's own cap, which it already honours).
      if (unit.maxBytesBilled !== undefined) q.maximumBytesBilled = String(unit.maxBytesBilled);
      const { job } = await insertOrAttach(rt, jobId, q, what(unit));
      const meta = await waitForJob(rt, job, what(unit), signal);
      const rows = await rowsWritten(rt, job, meta, what(unit));
      await checkMinRows(unit, rows);
      return { rows, ms: Math.round(performance.now() - started), jobRef: jobId, stats: jobStatistics(meta) };
    },

    async reconcile(unit, jobRef, opts = {}): Promise<ReconcileResult> {
      const jobId = jobRef ?? jobIdFor(unit);
      const job = bq.job(jobId, { location: spec.location });
      // Only a 404 says the job does not exist; lookupJob retries transient failures and throws past them.
      const found = await lookupJob(rt, job, what(unit), opts.signal);
      if (!found) return { status: 'not-found' };
      const ctx = { what: what(unit), stage: 'job' as const, jobId };
      if (found.status?.state === 'DONE' && found.status.errorResult) {
        return { status: 'failed', error: errorInfo(classify(found.status, ctx, rt.policy)) };
      }
      await opts.attached?.();
      let meta: JobMetadata;
      try {
        meta = await waitForJob(rt, job, what(unit), opts.signal);
      } catch (err) {
        const e = err instanceof UnitError ? err : classify(err, ctx, rt.policy);
        // Polls that kept failing, or a cancel: the job's fate is still unknown, so this is no result.
        if (e.details?.reuseJobId || opts.signal?.aborted) throw e;
        return { status: 'failed', error: errorInfo(e) };
      }
      const rows = await rowsWritten(rt, job, meta, what(unit));
      try {
        await checkMinRows(unit, rows);
      } catch (err) {
        return { status: 'failed', error: errorInfo(err) };
      }
      opts.stats?.(jobStatistics(meta));
      return { status: 'succeeded', rows };
    },

    async dryRun(sql, params) {
      try {
        const [, resp] = await bq.createQueryJob({
          ...sqlJob(sql, params),
          dryRun: true,
          location: spec.location,
        });
        const bytes = (resp as { statistics?: { totalBytesProcessed?: string } }).statistics
          ?.totalBytesProcessed;
        return { bytesProcessed: Number(bytes ?? 0) };
      } catch (err) {
        throw classify(err, { what: 'dry run', stage: 'request' }, rt.policy);
      }
    },

    async close() {
      // The client holds no open connections beyond keep-alive sockets, which end with the process.
    },
  };
  return warehouse;
}

export { fixedTokenAuth };
