// Partition values as YYYY-MM-DD strings, whatever type the warehouse returned them as.
// No I/O: listing partitions is each backend's job.

import { UnitError } from '../../machines/index.js';

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * A partition value as YYYY-MM-DD: accepts ISO dates and date-times, YYYYMMDD,
 * JS Dates and `{ value }` wrappers (BigQuery's DATE objects). Anything else is a QUERY error.
 */
export function normalizePartition(value: unknown, context: string): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (value !== null && typeof value === 'object' && 'value' in value) {
    return normalizePartition((value as { value: unknown }).value, context);
  }
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : undefined;
  const iso = text === undefined ? null : ISO_DATE.exec(text);
  if (iso) return iso[1];
  const compact = text === undefined ? null : COMPACT_DATE.exec(text);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  throw new UnitError(
    'QUERY',
    `${context}: partition value ${JSON.stringify(value)} is not a date; return partitions as YYYY-MM-DD`,
    false,
  );
}

/** The day after a YYYY-MM-DD date (for half-open ranges that also catch date-times on the last day). */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
