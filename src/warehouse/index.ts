// Public surface of the warehouse layer: the interfaces by role, the backends' factories and step routing.

export {
  type BigQueryOpenOptions,
  type BigQueryWarehouse,
  isBigQueryWarehouse,
  openBigQueryWarehouse,
} from './bigquery.js';
export { coverageSql, quoteIdent, quoteTable, resolveTable, type TableRef } from './bigquery-naming.js';
export {
  type CommandBackendOptions,
  commandLogPath,
  commandPidPath,
  killOrphan,
  openCommandBackend,
} from './command.js';
export { type OpenWarehouseOptions, openWarehouse } from './open.js';
export { nextDay, normalizePartition } from './partitions.js';
export { routeWarehouse } from './route.js';
export { paramNames, unitParams, usedParams } from './sql-params.js';
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_POOL_SIZE,
  SqliteWarehouse,
  type SqliteWarehouseOptions,
} from './sqlite.js';
export { discardSpareWorker, startSpareWorker } from './sqlite-spare.js';
export type {
  MaterializeResult,
  PlanWarehouse,
  ReconcileOptions,
  ReconcileResult,
  Row,
  SqlParams,
  UnitBackend,
  UnitRef,
  Warehouse,
  WarehouseReads,
} from './types.js';
