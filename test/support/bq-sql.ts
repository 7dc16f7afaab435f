// GoogleSQL for the local BigQuery server: parse with a real GoogleSQL grammar, then translate the tree into
// SQLite (names resolved against the server's tables, casts, DATE functions) and infer result column types.
// It runs nothing; bq-tables.ts executes the translation.

import { type Node, type ParserOptions, parse, show } from 'sql-parser-cst';
import { quoteSqliteIdent } from '../../src/warehouse/sql-params.js';

export type BqType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'DATE' | 'TIMESTAMP' | 'NUMERIC';

/** A BigQuery error as the API reports it: HTTP status, reason and message. */
export class BqError extends Error {
  constructor(
    readonly http: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const OPTS: ParserOptions = {
  dialect: 'bigquery',
  paramTypes: ['@name'],
  includeRange: true,
  includeSpaces: true,
  includeNewlines: true,
  includeComments: true,
};

/** Parse GoogleSQL; a syntax error is BigQuery's `invalidQuery` with the position as `[line:column]`. */
export function parseGoogleSql(sql: string): Node[] {
  try {
    return parse(sql, OPTS).statements.filter((s) => s.type !== 'empty');
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const at = /--> [^\n]*:(\d+):(\d+)/.exec(text);
    const first = text.split('\n')[0].replace(/^Syntax Error: /, '');
    throw new BqError(400, 'invalidQuery', `Syntax error: ${first}${at ? ` at [${at[1]}:${at[2]}]` : ''}`);
  }
}

/** BigQuery type names (and their aliases) → the canonical type. */
export function bqType(name: string): BqType {
  const n = name.toUpperCase();
  if (['STRING', 'BYTES'].includes(n)) return 'STRING';
  if (['INT64', 'INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT'].includes(n)) return 'INT64';
  if (['FLOAT64', 'FLOAT'].includes(n)) return 'FLOAT64';
  if (['BOOL', 'BOOLEAN'].includes(n)) return 'BOOL';
  if (n === 'DATE') return 'DATE';
  if (['TIMESTAMP', 'DATETIME'].includes(n)) return 'TIMESTAMP';
  if (['NUMERIC', 'BIGNUMERIC', 'DECIMAL', 'BIGDECIMAL'].includes(n)) return 'NUMERIC';
  throw new BqError(400, 'invalidQuery', `bq-server: type ${name} is not supported`);
}

const SQLITE_CAST: Record<BqType, string> = {
  STRING: 'TEXT',
  INT64: 'INTEGER',
  FLOAT64: 'REAL',
  BOOL: 'INTEGER',
  DATE: 'TEXT',
  TIMESTAMP: 'TEXT',
  NUMERIC: 'REAL',
};

type AnyNode = Node & Record<string, unknown>;

function isNode(v: unknown): v is AnyNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (k === 'leading' || k === 'trailing' || k === 'range') continue;
    if (isNode(v)) out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (isNode(x)) out.push(x);
  }
  return out;
}

/** Every node of the tree, parents first. */
export function walk(node: Node, visit: (n: AnyNode) => void): void {
  const n = node as AnyNode;
  visit(n);
  for (const c of children(n)) walk(c, visit);
}

/** Replace `node` by raw SQLite text, keeping its surrounding whitespace and comments. */
function replace(node: AnyNode, text: string): void {
  const { leading, trailing } = node;
  for (const k of Object.keys(node)) delete node[k];
  Object.assign(node, { type: 'identifier', text, name: text, leading, trailing });
}

const trimmed = (n: Node) => show({ ...(n as AnyNode), leading: undefined, trailing: undefined } as Node);

/** The dotted name of a table expression (`a.b.c`, `` `a.b.c` ``, `` `a`.b.c ``), or undefined if not a name. */
function tableName(node: AnyNode): string[] | undefined {
  if (node.type === 'identifier') return String(node.name).split('.');
  if (node.type === 'bigquery_quoted_member_expr') return tableName(node.expr as AnyNode);
  if (node.type === 'member_expr') {
    const left = tableName(node.object as AnyNode);
    const right = tableName(node.property as AnyNode);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}

/** The SQLite table holding `project.dataset.table`; throws a BqError (notFound, invalid) otherwise. */
export type TableResolver = (parts: string[]) => string;

export interface Translation {
  sql: string;
  /** Named parameters the statement uses. */
  params: string[];
}

const DATE_UNITS: Record<string, [number, string]> = {
  DAY: [1, 'days'],
  WEEK: [7, 'days'],
  MONTH: [1, 'months'],
  YEAR: [1, 'years'],
};

function argsOf(fn: AnyNode): AnyNode[] {
  const args = (fn.args as AnyNode | undefined)?.expr as AnyNode | undefined;
  const list = (args?.args as AnyNode | undefined)?.items as AnyNode[] | undefined;
  return list ?? [];
}

function dateShift(fn: AnyNode, sign: 1 | -1): string {
  const [date, interval] = argsOf(fn);
  if (interval?.type !== 'interval_literal') {
    throw new BqError(400, 'invalidQuery', `bq-server: ${trimmed(fn)} needs an INTERVAL argument`);
  }
  const unit = String(((interval.unit as AnyNode).unitKw as AnyNode).name).toUpperCase();
  const u = DATE_UNITS[unit];
  if (!u) throw new BqError(400, 'invalidQuery', `bq-server: INTERVAL ... ${unit} is not supported`);
  const n = `(${sign * u[0]} * (${trimmed(interval.value as AnyNode)}))`;
  return `date(${trimmed(date)}, printf('%+d ${u[1]}', ${n}))`;
}

/** Functions whose SQLite spelling differs; the rest of PASS_THROUGH exist in SQLite as they are. */
function translateCall(fn: AnyNode): string | undefined {
  const name = String((fn.name as AnyNode).name).toUpperCase();
  const args = argsOf(fn);
  const a = args.map(trimmed);
  switch (name) {
    case 'DATE':
      return args.length === 3 ? `printf('%04d-%02d-%02d', ${a.join(', ')})` : `date(${a[0]})`;
    case 'DATE_ADD':
      return dateShift(fn, 1);
    case 'DATE_SUB':
      return dateShift(fn, -1);
    case 'DATE_DIFF':
      return `CAST(julianday(${a[0]}) - julianday(${a[1]}) AS INTEGER)`;
    case 'CURRENT_DATE':
      return `date('now')`;
    case 'SAFE_DIVIDE':
      return `(CASE WHEN (${a[1]}) = 0 THEN NULL ELSE CAST(${a[0]} AS REAL) / (${a[1]}) END)`;
    case 'IF':
      return `(CASE WHEN ${a[0]} THEN ${a[1]} ELSE ${a[2]} END)`;
    case 'COUNTIF':
      return `COUNT(CASE WHEN ${a[0]} THEN 1 END)`;
    case 'CONCAT':
      return `(${a.join(' || ')})`;
    case 'GREATEST':
      return `max(${a.join(', ')})`;
    case 'LEAST':
      return `min(${a.join(', ')})`;
    case 'FORMAT': {
      const fmt = args[0];
      if (fmt?.type !== 'string_literal') return undefined;
      const text = String(fmt.value).replaceAll('%t', '%s').replaceAll("'", "''");
      return `printf('${text}'${a.length > 1 ? `, ${a.slice(1).join(', ')}` : ''})`;
    }
    default:
      if (PASS_THROUGH.has(name)) return undefined;
      throw new BqError(400, 'invalidQuery', `bq-server: function ${name} is not translated`);
  }
}

const PASS_THROUGH = new Set([
  'COUNT',
  'SUM',
  'MIN',
  'MAX',
  'AVG',
  'ROUND',
  'ABS',
  'COALESCE',
  'IFNULL',
  'NULLIF',
  'LENGTH',
  'LOWER',
  'UPPER',
  'TRIM',
  'SUBSTR',
]);

/** Rewrite the tree in place, children first, so each node's text is built from translated parts. */
function rewrite(node: AnyNode, ctes: Set<string>, resolve: TableResolver): void {
  if (node.type === 'from_clause') {
    fromItem(node.expr as AnyNode, ctes, resolve);
    return;
  }
  for (const c of children(node)) rewrite(c, ctes, resolve);
  switch (node.type) {
    case 'identifier':
      if (String(node.text).startsWith('`')) node.text = quoteSqliteIdent(String(node.name));
      break;
    case 'string_literal':
      node.text = `'${String(node.value).replaceAll("'", "''")}'`;
      break;
    case 'data_type_name':
      (node.name as AnyNode).text = SQLITE_CAST[bqType(String((node.name as AnyNode).name))];
      break;
    case 'binary_expr':
      if (node.operator === '/') {
        replace(node, `CAST(${trimmed(node.left as AnyNode)} AS REAL) / ${trimmed(node.right as AnyNode)}`);
      }
      break;
    case 'func_call': {
      const text = translateCall(node);
      if (text !== undefined) replace(node, text);
      break;
    }
    case 'interval_literal':
    case 'array_expr':
    case 'struct_expr':
    case 'unnest_expr':
      throw new BqError(400, 'invalidQuery', `bq-server: ${node.type} is not translated`);
  }
}

/** A FROM item: joins, aliases and subqueries recurse; a table name becomes its SQLite table. */
function fromItem(node: AnyNode, ctes: Set<string>, resolve: TableResolver): void {
  if (node.type === 'join_expr') {
    fromItem(node.left as AnyNode, ctes, resolve);
    fromItem(node.right as AnyNode, ctes, resolve);
    if (node.specification) rewrite(node.specification as AnyNode, ctes, resolve);
    return;
  }
  if (node.type === 'alias') {
    const inner = node.expr as AnyNode;
    const parts = tableName(inner);
    if (parts) replace(inner, tableRef(parts, ctes, resolve).table);
    else fromItem(inner, ctes, resolve);
    rewrite(node.alias as AnyNode, ctes, resolve);
    return;
  }
  const parts = tableName(node);
  if (!parts) {
    rewrite(node, ctes, resolve);
    return;
  }
  const ref = tableRef(parts, ctes, resolve);
  // BigQuery lets `FROM d.t` be referred to as `t`: keep that name as an alias.
  replace(node, ref.alias ? `${ref.table} AS ${quoteSqliteIdent(ref.alias)}` : ref.table);
}

function tableRef(parts: string[], ctes: Set<string>, resolve: TableResolver) {
  if (parts.length === 1 && ctes.has(parts[0])) return { table: quoteSqliteIdent(parts[0]) };
  return { table: quoteSqliteIdent(resolve(parts)), alias: parts[parts.length - 1] };
}

/** The SQLite text of one SELECT statement and the parameters it uses. */
export function translateSelect(stmt: Node, resolve: TableResolver): Translation {
  const params = new Set<string>();
  const ctes = new Set<string>();
  walk(stmt, (n) => {
    if (n.type === 'parameter') params.add(String(n.text).slice(1));
    if (n.type === 'common_table_expr') ctes.add(String((n.table as AnyNode).name));
  });
  const copy = structuredClone(stmt) as AnyNode;
  rewrite(copy, ctes, resolve);
  return { sql: show(copy), params: [...params] };
}

const BOOL_OPS = new Set(['=', '!=', '<>', '<', '>', '<=', '>=', 'AND', 'OR', 'IS', 'IS NOT', 'LIKE', 'IN']);

/** The BigQuery type of a SELECT-list expression when its shape says so (casts, comparisons, counts). */
function typeOfExpr(e: AnyNode, paramTypes: Record<string, BqType>): BqType | undefined {
  switch (e.type) {
    case 'cast_expr': {
      const arg = (e.args as AnyNode).expr as AnyNode;
      return bqType(String(((arg.dataType as AnyNode).name as AnyNode).name));
    }
    case 'boolean_literal':
    case 'between_expr':
      return 'BOOL';
    case 'prefix_op_expr':
      return String((e.operator as AnyNode).name ?? e.operator).toUpperCase() === 'NOT' ? 'BOOL' : undefined;
    case 'binary_expr': {
      const op = e.operator;
      const name = typeof op === 'string' ? op : (op as AnyNode[] | AnyNode);
      const text = Array.isArray(name)
        ? name.map((k) => String(k.name)).join(' ')
        : typeof name === 'string'
          ? name
          : String(name.name);
      return BOOL_OPS.has(text.toUpperCase()) ? 'BOOL' : undefined;
    }
    case 'string_literal':
      return 'STRING';
    case 'parameter':
      return paramTypes[String(e.text).slice(1)];
    case 'paren_expr':
      return isNode(e.expr) ? typeOfExpr(e.expr, paramTypes) : undefined;
    case 'func_call': {
      const name = String((e.name as AnyNode).name).toUpperCase();
      if (name === 'COUNT' || name === 'COUNTIF' || name === 'DATE_DIFF') return 'INT64';
      if (['DATE', 'DATE_ADD', 'DATE_SUB', 'CURRENT_DATE'].includes(name)) return 'DATE';
      if (['FORMAT', 'CONCAT', 'LOWER', 'UPPER'].includes(name)) return 'STRING';
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Per output column of a SELECT (when its list has no `*`): the type its expression has, if known, and the
 * name BigQuery gives an unnamed expression (`f0_`, `f1_`, …).
 */
export function selectColumns(
  stmt: Node,
  paramTypes: Record<string, BqType>,
): { type?: BqType; name?: string }[] | undefined {
  const clauses = (stmt as AnyNode).clauses as AnyNode[] | undefined;
  const select = clauses?.find((c) => c.type === 'select_clause');
  const items = ((select?.columns as AnyNode | undefined)?.items ?? []) as AnyNode[];
  const star = (i: AnyNode) =>
    i.type === 'all_columns' || (i.type === 'member_expr' && (i.property as AnyNode).type === 'all_columns');
  if (items.some(star)) return undefined;
  return items.map((item, i) => {
    const expr = item.type === 'alias' ? (item.expr as AnyNode) : item;
    const named = item.type === 'alias' || expr.type === 'identifier' || expr.type === 'member_expr';
    return { type: typeOfExpr(expr, paramTypes), ...(named ? {} : { name: `f${i}_` }) };
  });
}
