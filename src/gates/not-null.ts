// The SQL of a gate's notNull rule, in the warehouse's dialect: identifiers quoted, and on BigQuery the table
// resolved as steps' tables are (queries there carry no default dataset). Running it is gate.ts's job.

import type { NotNullSpec, ResolvedPlan } from '../../machines/index.js';
import { allSteps } from '../../machines/index.js';
import { quoteIdent, quoteTable, resolveTable } from '../warehouse/bigquery-naming.js';
import { quoteSqliteIdent } from '../warehouse/sql-params.js';

/** The same table, whichever way the plan wrote it (`t`, `dataset.t`, `project.dataset.t`). */
function sameTable(plan: ResolvedPlan, a: string, b: string): boolean {
  const wh = plan.warehouse;
  if (wh.kind !== 'bigquery') return a === b;
  try {
    return quoteTable(resolveTable(wh, a)) === quoteTable(resolveTable(wh, b));
  } catch {
    return a === b;
  }
}

/**
 * `row_count` and `null_count` of the rule's column, within the plan's range (@start/@end) when a step of the
 * plan writes the table, and within the rule's `where` (plan SQL, kept as written).
 * Throws a PhasedError when a BigQuery table name cannot be resolved.
 */
export function notNullSql(plan: ResolvedPlan, spec: NotNullSpec): string {
  const wh = plan.warehouse;
  const ident = wh.kind === 'bigquery' ? quoteIdent : quoteSqliteIdent;
  const table =
    wh.kind === 'bigquery' ? quoteTable(resolveTable(wh, spec.table)) : quoteSqliteIdent(spec.table);
  const column = allSteps(plan).find((s) => sameTable(plan, s.table, spec.table))?.partitionColumn;
  const filters = [
    ...(column ? [`${ident(column)} BETWEEN @start AND @end`] : []),
    ...(spec.where ? [`(${spec.where})`] : []),
  ];
  return (
    `SELECT COUNT(*) AS ${ident('row_count')}, ` +
    `SUM(CASE WHEN ${ident(spec.column)} IS NULL THEN 1 ELSE 0 END) AS ${ident('null_count')} ` +
    `FROM ${table}${filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : ''}`
  );
}
