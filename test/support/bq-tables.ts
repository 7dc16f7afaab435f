// The local BigQuery server's tables: an in-memory SQLite database holding what tests register and what DDL
// and partition writes create, queried through GoogleSQL translated by bq-sql.ts. No HTTP here.

import Database from 'better-sqlite3';
import type { Node } from 'sql-parser-cst';
import { quoteSqliteIdent } from '../../src/warehouse/sql-params.js';
import {
  BqError,
  type BqType,
  bqType,
  parseGoogleSql,
  selectColumns,
  translateSelect,
  walk,
} from './bq-sql.js';

export type Cell = string | number | boolean | null;

export interface TableInfo {
  /** `project.dataset.table`; tables registered as `dataset.table` match any project (`*.dataset.table`). */
  key: string;
  /** Columns and their BigQuery types; empty for a table registered by name only (addTable). */
  columns: Record<string, BqType>;
  /** Column-partitioned tables: the DATE partition column. */
  partitionBy?: string;
}

export interface QueryResult {
  fields: { name: string; type: BqType }[];
  rows: Record<string, Cell>[];
}

/** A query parameter as the REST request carries it. */
export type QueryParams = Record<string, { type: string; value: string | null }>;

/** Declared SQLite types: each keeps the BigQuery type readable and gets the right affinity. */
const DECLARED: Record<BqType, string> = {
  STRING: 'STRING_TEXT',
  INT64: 'INT64',
  FLOAT64: 'FLOAT64',
  BOOL: 'BOOL_INT',
  DATE: 'DATE_TEXT',
  TIMESTAMP: 'TIMESTAMP_TEXT',
  NUMERIC: 'NUMERIC_REAL',
};
const FROM_DECLARED = new Map(Object.entries(DECLARED).map(([k, v]) => [v, k as BqType]));

function bindValue(p: { type: string; value: string | null }): string | number | null {
  if (p.value === null) return null;
  if (p.type === 'INT64' || p.type === 'FLOAT64' || p.type === 'NUMERIC') return Number(p.value);
  if (p.type === 'BOOL') return p.value === 'true' ? 1 : 0;
  return p.value;
}

function cellOf(value: unknown, type: BqType): Cell {
  if (value === null || value === undefined) return null;
  if (type === 'BOOL') return Boolean(value);
  if (typeof value === 'bigint') return Number(value);
  return value as Cell;
}

function valueType(rows: Record<string, unknown>[], name: string): BqType {
  const v = rows.find((r) => r[name] !== null && r[name] !== undefined)?.[name];
  if (typeof v === 'number') return Number.isInteger(v) ? 'INT64' : 'FLOAT64';
  return 'STRING';
}

export class BqTables {
  readonly db = new Database(':memory:');
  private readonly tables = new Map<string, TableInfo>();

  /** Create (or replace) a table with its columns, optional rows and partition column. */
  create(
    key: string,
    columns: Record<string, string>,
    rows: Record<string, Cell>[] = [],
    partitionBy?: string,
  ) {
    const cols = Object.fromEntries(Object.entries(columns).map(([c, t]) => [c, bqType(t)]));
    const info: TableInfo = { key, columns: cols, ...(partitionBy ? { partitionBy } : {}) };
    this.db.exec(`DROP TABLE IF EXISTS ${quoteSqliteIdent(key)}`);
    const defs = Object.entries(cols).map(([c, t]) => `${quoteSqliteIdent(c)} ${DECLARED[t]}`);
    this.db.exec(`CREATE TABLE ${quoteSqliteIdent(key)} (${defs.join(', ')})`);
    this.tables.set(key, info);
    this.insert(info, rows);
    return info;
  }

  /** A table tables.get finds, without a schema (queries against it are refused). */
  register(key: string): void {
    if (!this.tables.has(key)) this.tables.set(key, { key, columns: {} });
  }

  /** The table `project.dataset.table`, whether registered with its project or for any project. */
  find(project: string, dataset: string, table: string): TableInfo | undefined {
    if (project === '*') {
      return [...this.tables.values()].find((t) => t.key.endsWith(`.${dataset}.${table}`));
    }
    return this.tables.get(`${project}.${dataset}.${table}`) ?? this.tables.get(`*.${dataset}.${table}`);
  }

  /** Rows of a table, for assertions. */
  rows(info: TableInfo): Record<string, unknown>[] {
    return this.db.prepare(`SELECT * FROM ${quoteSqliteIdent(info.key)}`).all() as Record<string, unknown>[];
  }

  private insert(info: TableInfo, rows: Record<string, Cell>[]): void {
    for (const row of rows) {
      const names = Object.keys(row);
      const unknown = names.filter((n) => !(n in info.columns));
      if (unknown.length > 0) {
        const [p, d, t] = info.key.split('.');
        throw new BqError(
          400,
          'invalid',
          `Provided Schema does not match Table ${p}:${d}.${t}. Cannot add fields (field: ${unknown[0]})`,
        );
      }
      const values = names.map((n) => (typeof row[n] === 'boolean' ? Number(row[n]) : row[n]));
      this.db
        .prepare(
          `INSERT INTO ${quoteSqliteIdent(info.key)} (${names.map(quoteSqliteIdent).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
        )
        .run(...values);
    }
  }

  /**
   * Bytes a query processes, by BigQuery's documented rules for on-demand queries: for every table the query
   * reads, the logical size of the columns it references (all of them under `*`), summed over the table's
   * rows, with each value sized as BigQuery's data size calculation says (INT64, FLOAT64, DATE, TIMESTAMP 8
   * bytes; NUMERIC 16; BOOL 1; STRING 2 + its UTF-8 length; NULL 0). Partition pruning is not modelled: the
   * whole column is counted, an upper bound of what BigQuery scans (equal for tables that are not partitioned).
   */
  bytesRead(sql: string, project: string): { bytes: number; tables: number } {
    const [stmt] = parseGoogleSql(sql);
    if (!stmt || (stmt.type !== 'select_stmt' && stmt.type !== 'compound_select_stmt')) {
      return { bytes: 0, tables: 0 };
    }
    const names = new Set<string>();
    let star = false;
    walk(stmt, (n) => {
      if (n.type === 'identifier') names.add(String(n.name).toLowerCase());
      if (n.type === 'all_columns') star = true;
    });
    const read = new Set<string>();
    const resolve = this.resolver(project);
    // A second parse: translateSelect rewrites the tree it is given.
    const [copy] = parseGoogleSql(sql);
    translateSelect(copy, (parts) => {
      const key = resolve(parts);
      read.add(key);
      return key;
    });
    let bytes = 0;
    for (const key of read) {
      const info = this.tables.get(key);
      if (!info) continue;
      const cols = Object.entries(info.columns).filter(([c]) => star || names.has(c.toLowerCase()));
      if (cols.length === 0) continue;
      const terms = cols.map(([c, t]) => {
        const v = quoteSqliteIdent(c);
        const size =
          t === 'STRING'
            ? `2 + length(CAST(${v} AS BLOB))`
            : t === 'NUMERIC'
              ? '16'
              : t === 'BOOL'
                ? '1'
                : '8';
        return `COALESCE(SUM(CASE WHEN ${v} IS NULL THEN 0 ELSE ${size} END), 0)`;
      });
      const row = this.db.prepare(`SELECT ${terms.join(' + ')} AS n FROM ${quoteSqliteIdent(key)}`).get() as {
        n: number;
      };
      bytes += Number(row.n);
    }
    return { bytes, tables: read.size };
  }

  /** Resolve a table name of a query the way BigQuery does when the request names no default dataset. */
  private resolver(project: string) {
    return (parts: string[]): string => {
      if (parts.length === 1) {
        throw new BqError(
          400,
          'invalid',
          `Table name "${parts[0]}" missing dataset while no default dataset is set in the request.`,
        );
      }
      const [p, d, t] = parts.length === 2 ? [project, parts[0], parts[1]] : parts.slice(-3);
      const info = this.find(p, d, t);
      if (!info)
        throw new BqError(404, 'notFound', `Not found: Table ${p}:${d}.${t} was not found in location US`);
      if (Object.keys(info.columns).length === 0) {
        throw new BqError(
          400,
          'invalidQuery',
          `bq-server: table ${p}.${d}.${t} has no columns registered (createTable)`,
        );
      }
      return info.key;
    };
  }

  /**
   * Check a statement as BigQuery does before running it (grammar, names, columns): a SELECT is
   * translated and prepared, CREATE TABLE is read. Returns the work to do when the job runs.
   */
  prepare(sql: string, project: string, params: QueryParams): () => QueryResult | { created: TableInfo } {
    const statements = parseGoogleSql(sql);
    if (statements.length !== 1) {
      throw new BqError(400, 'invalidQuery', `bq-server: expected one statement, found ${statements.length}`);
    }
    const [stmt] = statements;
    if (stmt.type === 'create_table_stmt') return this.prepareDdl(stmt, project);
    if (stmt.type !== 'select_stmt' && stmt.type !== 'compound_select_stmt') {
      throw new BqError(400, 'invalidQuery', `bq-server: ${stmt.type} statements are not supported`);
    }
    const t = translateSelect(stmt, this.resolver(project));
    const missing = t.params.find((p) => !(p in params));
    if (missing) throw new BqError(400, 'invalidQuery', `Query parameter '${missing}' not found at [1:1]`);
    let prepared: Database.Statement;
    try {
      prepared = this.db.prepare(t.sql);
    } catch (err) {
      throw new BqError(400, 'invalidQuery', `bq-server could not run the query: ${(err as Error).message}`);
    }
    const bind = Object.fromEntries(t.params.map((p) => [p, bindValue(params[p])]));
    const types = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, bqType(v.type)]));
    const shape = selectColumns(stmt, types);
    return () => {
      const raw = prepared.all(bind) as Record<string, unknown>[];
      const cols = prepared.columns();
      const fields = cols.map((c, i) => {
        const declared = c.type ? FROM_DECLARED.get(c.type) : undefined;
        const name = shape?.[i]?.name ?? c.name;
        let type = shape?.[i]?.type ?? declared ?? valueType(raw, c.name);
        if (
          type === 'INT64' &&
          raw.some((r) => typeof r[c.name] === 'number' && !Number.isInteger(r[c.name]))
        )
          type = 'FLOAT64';
        return { name, from: c.name, type };
      });
      const rows = raw.map((r) => Object.fromEntries(fields.map((f) => [f.name, cellOf(r[f.from], f.type)])));
      return { fields: fields.map(({ name, type }) => ({ name, type })), rows };
    };
  }

  private prepareDdl(stmt: Node, project: string): () => { created: TableInfo } {
    const s = stmt as Node & Record<string, unknown>;
    const name = JSON.parse(JSON.stringify(s.name)) as Node;
    const parts = tableParts(name);
    if (parts.length === 1) {
      throw new BqError(
        400,
        'invalid',
        `Table name "${parts[0]}" missing dataset while no default dataset is set in the request.`,
      );
    }
    const [p, d, t] = parts.length === 2 ? [project, parts[0], parts[1]] : parts.slice(-3);
    const items = ((s.columns as { expr?: { items?: unknown[] } } | undefined)?.expr?.items ?? []) as {
      name: { name: string };
      dataType: { name: { name: string } | { name: string }[] };
    }[];
    const columns = Object.fromEntries(
      items.map((c) => {
        const dt = c.dataType.name;
        return [c.name.name, Array.isArray(dt) ? dt[0].name : dt.name];
      }),
    );
    const clauses = (s.clauses ?? []) as { type: string; specifications?: { items?: { name?: string }[] } }[];
    const partitionBy = clauses.find((c) => c.type === 'partition_by_clause')?.specifications?.items?.[0]
      ?.name;
    const ifNotExists = Boolean(s.ifNotExistsKw);
    return () => {
      const existing = this.find(p, d, t);
      if (existing) {
        if (ifNotExists) return { created: existing };
        throw new BqError(409, 'duplicate', `Already Exists: Table ${p}:${d}.${t}`);
      }
      return { created: this.create(`${p}.${d}.${t}`, columns, [], partitionBy) };
    };
  }

  /**
   * WRITE_TRUNCATE into `table$YYYYMMDD`: the rows replace exactly that partition; a row whose partition
   * column holds another date is an error and nothing is written. Returns the rows written.
   */
  replacePartition(p: string, d: string, t: string, day: string, result: QueryResult): number {
    const info = this.find(p, d, t);
    if (!info)
      throw new BqError(404, 'notFound', `Not found: Table ${p}:${d}.${t} was not found in location US`);
    const key = info.key;
    const col = info.partitionBy;
    if (!col) {
      throw new BqError(400, 'invalid', `bq-server: table ${p}:${d}.${t} is not partitioned by a column`);
    }
    const stray = result.rows.find((r) => r[col] !== day);
    if (stray) {
      throw new BqError(
        400,
        'invalid',
        `Some rows belong to different partitions rather than destination partition ${day.replace(/-/g, '')}`,
      );
    }
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM ${quoteSqliteIdent(key)} WHERE ${quoteSqliteIdent(col)} = ?`).run(day);
      this.insert(info, result.rows);
    })();
    return result.rows.length;
  }

  close(): void {
    this.db.close();
  }
}

function tableParts(node: Node): string[] {
  const n = node as Node & Record<string, unknown>;
  if (n.type === 'identifier') return String(n.name).split('.');
  if (n.type === 'bigquery_quoted_member_expr') return tableParts(n.expr as Node);
  if (n.type === 'member_expr') return [...tableParts(n.object as Node), ...tableParts(n.property as Node)];
  throw new BqError(400, 'invalidQuery', `bq-server: cannot read the table name of ${n.type}`);
}
