// Sends each step to its backend: `kind: command` steps to the command runner, everything else to the base.
// It adds no behaviour of its own; each backend keeps its own retry and reconcile semantics.

import { PhasedError } from '../../machines/index.js';
import type { BigQueryWarehouse } from './bigquery.js';
import type { UnitRef, Warehouse } from './types.js';

function missingCommandBackend(unit: UnitRef): PhasedError {
  return new PhasedError(
    'INTERNAL',
    `step ${unit.step.id} is a command step but no command backend was opened; pass one to routeWarehouse`,
  );
}

/** A warehouse that runs command steps on `command` and everything else on `base`. */
export function routeWarehouse(base: Warehouse, command?: Warehouse): Warehouse {
  const pick = (unit: UnitRef): Warehouse => {
    if (unit.step.kind !== 'command') return base;
    if (!command) throw missingCommandBackend(unit);
    return command;
  };
  // BigQuery's dry run stays reachable through the router (prerequisites dry-run every step).
  const dryRun = (base as Partial<BigQueryWarehouse>).dryRun;
  return {
    ...(dryRun ? { dryRun: dryRun.bind(base) } : {}),
    kind: base.kind,
    query: (sql, params) => base.query(sql, params),
    listPartitions: (sql, params) => base.listPartitions(sql, params),
    tableExists: (table) => base.tableExists(table),
    execute: (sql) => base.execute(sql),
    partitionCounts: (table, column, range) => base.partitionCounts(table, column, range),
    jobRefFor: (unit) => pick(unit).jobRefFor(unit),
    materialize: async (unit, signal) => pick(unit).materialize(unit, signal),
    reconcile: async (unit, jobRef) => pick(unit).reconcile(unit, jobRef),
    close: async () => {
      await Promise.all([base.close(), command?.close()]);
    },
  };
}
