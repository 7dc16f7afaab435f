// The router gives gates the base warehouse's reads, dry run included, so BigQuery prerequisites still dry-run
// every step of a plan that also has command steps.
import { describe, expect, it } from 'vitest';
import {
  isBigQueryWarehouse,
  openCommandBackend,
  routeWarehouse,
  type Warehouse,
} from '../../../src/warehouse/index.js';

describe('routeWarehouse and dry runs', () => {
  it('passes dryRun through to the base, bound to it', async () => {
    const base = {
      kind: 'bigquery',
      calls: [] as string[],
      async dryRun(this: { calls: string[] }, sql: string) {
        this.calls.push(sql);
        return { bytesProcessed: 42 };
      },
      close: async () => undefined,
    } as unknown as Warehouse & { calls: string[] };
    const routed = routeWarehouse(base, openCommandBackend({ logDir: '.' })).reads;
    expect(isBigQueryWarehouse(routed)).toBe(true);
    if (!isBigQueryWarehouse(routed)) return;
    expect(await routed.dryRun('SELECT 1')).toEqual({ bytesProcessed: 42 });
    expect(base.calls).toEqual(['SELECT 1']);
  });

  it('adds no dryRun when the base has none', () => {
    const base = { kind: 'sqlite', close: async () => undefined } as unknown as Warehouse;
    expect('dryRun' in routeWarehouse(base).reads).toBe(false);
  });
});
