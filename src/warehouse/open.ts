// Opens the warehouse a plan names: SQLite here, BigQuery loaded lazily (most runs never need its client).
// It does not route command steps; see route.ts.

import { existsSync } from 'node:fs';
import { PhasedError, type WarehouseSpec } from '../../machines/index.js';
import { missingWarehouseFile, SqliteWarehouse } from './sqlite.js';
import type { Warehouse } from './types.js';

export interface OpenWarehouseOptions {
  /** SQLite worker threads; default 3 (size it by the plan's global concurrency cap). */
  poolSize?: number;
  /** Create a missing SQLite file instead of refusing (tests, demo setup). */
  create?: boolean;
}

export async function openWarehouse(
  spec: WarehouseSpec,
  opts: OpenWarehouseOptions = {},
): Promise<Warehouse> {
  if (spec.kind === 'bigquery') {
    // Loaded on demand: most runs never need the BigQuery client.
    const { openBigQueryWarehouse } = await import('./bigquery.js');
    return openBigQueryWarehouse(spec);
  }
  if (!opts.create && !existsSync(spec.path)) throw missingWarehouseFile(spec.path);
  const wh = new SqliteWarehouse(spec.path, { poolSize: opts.poolSize, create: opts.create });
  try {
    // Opens a first connection now, so an unreadable file is bad input rather than a failed unit.
    await wh.query('SELECT COUNT(*) AS n FROM sqlite_master');
  } catch (err) {
    await wh.close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new PhasedError('BAD_ARGUMENT', `warehouse file ${spec.path} cannot be read as SQLite: ${reason}`, {
      cause: err,
    });
  }
  return wh;
}
