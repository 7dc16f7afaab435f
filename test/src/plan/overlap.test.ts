// Two plans overlap where they write the same table of the same warehouse on dates both cover; on BigQuery a
// bare table name is in the plan's default dataset, so `x` there and `ds.x` are one table.
import { describe, expect, it } from 'vitest';
import type { ResolvedPlan, WarehouseSpec } from '../../../machines/index.js';
import { planOverlap } from '../../../src/plan/index.js';

function plan(warehouse: WarehouseSpec, tables: string[], start: string, end: string): ResolvedPlan {
  const steps = tables.map((table, i) => ({ id: `s${i}`, table }));
  return {
    warehouse,
    range: { start, end },
    phases: [{ id: 'p', groups: [{ steps }] }],
  } as unknown as ResolvedPlan;
}

const sqlite = (path: string): WarehouseSpec => ({ kind: 'sqlite', path });
const bq = (projectId: string, dataset?: string): WarehouseSpec => ({
  kind: 'bigquery',
  projectId,
  location: 'US',
  ...(dataset ? { dataset } : {}),
});

describe('plan overlap', () => {
  it('is the shared tables over the shared dates', () => {
    const a = plan(sqlite('/w/warehouse.db'), ['t1', 't2', 't3'], '2024-01-01', '2024-01-31');
    const b = plan(sqlite('/w/warehouse.db'), ['t3', 't2', 't9'], '2024-01-20', '2024-02-10');
    expect(planOverlap(a, b)).toEqual({ tables: ['t2', 't3'], start: '2024-01-20', end: '2024-01-31' });
    expect(planOverlap(b, a)).toEqual(planOverlap(a, b));
  });

  it('is nothing across warehouses, disjoint dates or disjoint tables', () => {
    const a = plan(sqlite('/w/warehouse.db'), ['t1'], '2024-01-01', '2024-01-31');
    expect(
      planOverlap(a, plan(sqlite('/x/warehouse.db'), ['t1'], '2024-01-01', '2024-01-31')),
    ).toBeUndefined();
    expect(
      planOverlap(a, plan(sqlite('/w/warehouse.db'), ['t1'], '2024-02-01', '2024-02-02')),
    ).toBeUndefined();
    expect(
      planOverlap(a, plan(sqlite('/w/warehouse.db'), ['t2'], '2024-01-01', '2024-01-31')),
    ).toBeUndefined();
    // One shared day is an overlap.
    expect(planOverlap(a, plan(sqlite('/w/warehouse.db'), ['t1'], '2024-01-31', '2024-02-02'))?.start).toBe(
      '2024-01-31',
    );
  });

  it('on BigQuery, matches a bare table in the default dataset with its qualified name, per project', () => {
    const a = plan(bq('proj', 'nba'), ['player_summary'], '2024-01-01', '2024-01-31');
    const b = plan(bq('proj'), ['nba.player_summary'], '2024-01-01', '2024-01-31');
    expect(planOverlap(a, b)?.tables).toEqual(['nba.player_summary']);
    expect(
      planOverlap(a, plan(bq('proj', 'other'), ['player_summary'], '2024-01-01', '2024-01-31')),
    ).toBeUndefined();
    expect(
      planOverlap(a, plan(bq('proj2', 'nba'), ['player_summary'], '2024-01-01', '2024-01-31')),
    ).toBeUndefined();
  });
});
