// Where two plans would write the same partitions: the same warehouse (an SQLite file, a BigQuery project), the
// same output table, and date ranges that meet. Pure; what is done about it (a note when a run is created) is
// the callers'.

import { allSteps, type ResolvedPlan, type WarehouseSpec } from '../../machines/index.js';

export interface Overlap {
  /** Output tables both plans write, sorted. */
  tables: string[];
  /** The dates both ranges cover (inclusive). */
  start: string;
  end: string;
}

function warehouseKey(w: WarehouseSpec): string {
  return w.kind === 'sqlite' ? `sqlite:${w.path}` : `bigquery:${w.projectId}`;
}

/** A step's table as the warehouse names it: on BigQuery a bare name is in the plan's default dataset. */
function tableKey(w: WarehouseSpec, table: string): string {
  return w.kind === 'bigquery' && !table.includes('.') && w.dataset ? `${w.dataset}.${table}` : table;
}

function tablesOf(plan: ResolvedPlan): Set<string> {
  return new Set(allSteps(plan).map((s) => tableKey(plan.warehouse, s.table)));
}

/** What `a` and `b` would both write, or undefined when they share no table or no date. */
export function planOverlap(a: ResolvedPlan, b: ResolvedPlan): Overlap | undefined {
  if (warehouseKey(a.warehouse) !== warehouseKey(b.warehouse)) return undefined;
  // YYYY-MM-DD strings sort as dates: the later start and the earlier end.
  const start = [a.range.start, b.range.start].sort()[1];
  const end = [a.range.end, b.range.end].sort()[0];
  if (start > end) return undefined;
  const theirs = tablesOf(b);
  const tables = [...tablesOf(a)].filter((t) => theirs.has(t)).sort();
  return tables.length === 0 ? undefined : { tables, start, end };
}
