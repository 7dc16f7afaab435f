// BigQuery naming rules: deterministic job ids, labels, destination partitions and typed query parameters.
// Pure string work only; submitting jobs and classifying errors live in bigquery-jobs.ts and bigquery-errors.ts.

import { createHash } from 'node:crypto';
import { type BigQueryWarehouseSpec, PhasedError } from '../../machines/index.js';
import { paramNames } from './sql-params.js';
import type { SqlParams, UnitRef } from './types.js';

const JOB_ID_MAX = 1024;
const LABEL_MAX = 63;

/** A fully qualified table: project, dataset and table id. */
export interface TableRef {
  projectId: string;
  datasetId: string;
  tableId: string;
}

/** `[A-Za-z0-9_-]` only, at most 1024 characters (a long id keeps a hash of the whole for uniqueness). */
export function sanitizeJobId(raw: string): string {
  const clean = raw.replace(/[^A-Za-z0-9_-]/g, '_');
  if (clean.length <= JOB_ID_MAX) return clean;
  const digest = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return `${clean.slice(0, JOB_ID_MAX - digest.length - 1)}_${digest}`;
}

/** The deterministic job id of one attempt: `phased_<run>_<step>_<partition>_a<attempt>`. */
export function jobIdFor(unit: Pick<UnitRef, 'runId' | 'step' | 'partition' | 'attempt'>): string {
  return sanitizeJobId(`phased_${unit.runId}_${unit.step.id}_${unit.partition}_a${unit.attempt}`);
}

/** Label values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
export function sanitizeLabelValue(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, LABEL_MAX);
}

/** Label keys follow the value rules and must start with a lowercase letter. */
export function sanitizeLabelKey(raw: string): string {
  const value = sanitizeLabelValue(raw);
  return /^[a-z]/.test(value) ? value : sanitizeLabelValue(`l_${value}`);
}

/** The labels of a unit's job: the plan's labels plus run, step and partition. */
export function labelsFor(
  unit: Pick<UnitRef, 'runId' | 'step' | 'partition'>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra)) labels[sanitizeLabelKey(k)] = sanitizeLabelValue(v);
  labels.phased_run = sanitizeLabelValue(unit.runId);
  labels.phased_step = sanitizeLabelValue(unit.step.id);
  labels.phased_partition = sanitizeLabelValue(unit.partition);
  return labels;
}

/** Resolve `table`, `dataset.table` or `project.dataset.table` against the plan's project and dataset. */
export function resolveTable(
  spec: Pick<BigQueryWarehouseSpec, 'projectId' | 'dataset'>,
  table: string,
): TableRef {
  const parts = table.replace(/`/g, '').split('.');
  if (parts.length === 3) return { projectId: parts[0], datasetId: parts[1], tableId: parts[2] };
  if (parts.length === 2) return { projectId: spec.projectId, datasetId: parts[0], tableId: parts[1] };
  if (parts.length === 1 && spec.dataset) {
    return { projectId: spec.projectId, datasetId: spec.dataset, tableId: parts[0] };
  }
  throw new PhasedError(
    'BAD_ARGUMENT',
    `table "${table}" has no dataset: write it as dataset.table or set warehouse.dataset in the plan`,
  );
}

/** One GoogleSQL identifier (column, alias) in backticks, so reserved words such as `partition` are names. */
export function quoteIdent(name: string): string {
  return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}

/** `project.dataset.table` in backticks, for SQL text. */
export function quoteTable(ref: TableRef): string {
  return quoteIdent(`${ref.projectId}.${ref.datasetId}.${ref.tableId}`);
}

/** The coverage query of a table: rows per partition (as a date string) between @start and @end (DATE). */
export function coverageSql(ref: TableRef, column: string): string {
  const col = quoteIdent(column);
  return (
    `SELECT CAST(${col} AS STRING) AS ${quoteIdent('partition')}, COUNT(*) AS ${quoteIdent('n')} ` +
    `FROM ${quoteTable(ref)} WHERE ${col} BETWEEN @start AND @end GROUP BY 1`
  );
}

/** The partition decorator target: `table$YYYYMMDD`. */
export function partitionDestination(ref: TableRef, partition: string): TableRef {
  const day = partition.replace(/-/g, '');
  if (!/^\d{8}$/.test(day)) {
    throw new PhasedError('BAD_ARGUMENT', `partition "${partition}" is not a date (expected YYYY-MM-DD)`);
  }
  return { ...ref, tableId: `${ref.tableId}$${day}` };
}

const DATE_PARAMS = new Set(['partition', 'start', 'end']);
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The named parameters the SQL uses, with their BigQuery types:
 * @partition/@start/@end as DATE, strings as STRING, integers as INT64, other numbers as FLOAT64.
 */
export function typedParams(
  sql: string,
  params: SqlParams = {},
): { params: Record<string, string | number | null>; types: Record<string, string> } | undefined {
  const used = new Set(paramNames(sql));
  const out: Record<string, string | number | null> = {};
  const types: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!used.has(name)) continue;
    out[name] = value;
    if (DATE_PARAMS.has(name) && typeof value === 'string' && DATE_RE.test(value)) types[name] = 'DATE';
    else if (typeof value === 'number') types[name] = Number.isInteger(value) ? 'INT64' : 'FLOAT64';
    else types[name] = 'STRING';
  }
  return Object.keys(out).length === 0 ? undefined : { params: out, types };
}
