// The PostgreSQL append's own floor: the writes of one unit's append (two event rows, two units upserted, the head
// moved under the lease's check, in one transaction), or of a batch of `width` units, sent as the schema's
// append_events statement from a bare pg client, prepared, with hand-built parameters: no machine, no driver, no
// hashing, no phased client code. pg_unit_contract_ratio divides the driver's unit by it; pg_append_floor_ratio
// divides it by a raw commit; pg_batch_floor_units_per_s is what one run's batches of 16 give sent one at a time,
// pg_pipelined_floor_units_per_s what batches of 8 give with two in flight on one pipelined connection (a wave of 16
// split in two, each half's units running while the other half's append is on the server).

import pg from 'pg';
import type { LeaseToken } from '../../store/api.js';
import { openPgStore } from '../../store/pg/index.js';

const AT = '2025-01-01T00:00:00.000Z';
const STATE = JSON.stringify({ running: 'units' });
const APPEND = 'SELECT append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)';

/** A 64-hex-digit stand-in for an event's hash (the floor computes none). */
const fakeHash = (seq: number) => seq.toString(16).padStart(64, '0');

/**
 * The parameters of append `b` when `width` units run at once in each of `depth` cohorts: the units of the cohort's
 * previous batch (b - depth) succeeded, those of batch b started (at concurrency 1, one unit's append: two events,
 * two units).
 */
function unitAppend(
  runId: string,
  seq: number,
  b: number,
  width: number,
  depth: number,
  lease: [string, number],
): unknown[] {
  const events: Record<string, string>[] = [];
  const ops: Record<string, unknown>[] = [];
  const add = (type: string, partition: string, data: Record<string, unknown>) => {
    const at = seq + events.length;
    events.push({
      at: AT,
      type,
      data: JSON.stringify(data),
      state: STATE,
      prevHash: fakeHash(at),
      hash: fakeHash(at + 1),
    });
    const stat = type === 'UNIT_STARTED' ? 'started' : 'succeeded';
    const rw = type === 'UNIT_STARTED' ? null : 5;
    ops.push({
      k: stat,
      st: 'load',
      pa: partition,
      stat,
      att: 1,
      rw,
      job: null,
      er: null,
      sq: at + 1,
      parts: null,
    });
  };
  for (let j = 0; j < width; j++) {
    const partition = `p${b - depth}_${j}`;
    add('UNIT_SUCCEEDED', partition, { step: 'load', partition, attempt: 1, rows: 5, ms: 0 });
  }
  for (let j = 0; j < width; j++) {
    const partition = `p${b}_${j}`;
    add('UNIT_STARTED', partition, { step: 'load', partition, attempt: 1, reason: 'first' });
  }
  const n = events.length;
  return [
    runId,
    seq,
    seq === 0 ? '' : fakeHash(seq),
    ...lease,
    JSON.stringify(events),
    n,
    fakeHash(seq + n),
    AT,
    STATE,
    'running',
    JSON.stringify(ops),
    true,
    null,
    null,
    false,
  ];
}

/** The floor's run in a new `schema` (the store creates and migrates it), with a lease: the token its appends carry. */
async function floorRun(url: string, schema: string, runId: string, owner: string): Promise<LeaseToken> {
  const store = await openPgStore(url, { schema, max: 2 });
  try {
    await store.createRun({
      runId,
      planName: 'floor',
      planHash: 'h',
      planJson: '{}',
      machineVersion: '1',
      createdAt: AT,
    });
    const grant = await store.acquireLease(runId, owner, 3_600_000);
    if (!grant.ok) throw new Error('bench: the floor run has no lease');
    return grant.token;
  } finally {
    await store.close();
  }
}

/**
 * µs per append of `n` appends in a row, each for `width` units, on one run in a new `schema`, sent from a client
 * of its own (the store that sets the run up is closed before timing). With `depth` 2 the client pipelines (pg's
 * `pipeline: true`): the next append is sent while the one before it is on the server, each one's expected seq the
 * head the one before it leaves.
 */
export async function pgAppendFloorUs(
  url: string,
  schema: string,
  n: number,
  width = 1,
  depth = 1,
): Promise<number> {
  const runId = 'floor';
  const owner = 'bench-floor';
  const lease = await floorRun(url, schema, runId, owner);
  const c = new pg.Client({
    connectionString: url,
    options: `-c search_path=${schema}`,
    pipeline: depth > 1,
  });
  await c.connect();
  try {
    let seq = 0;
    const send = (b: number) => {
      const values = unitAppend(runId, seq, b, width, depth, [owner, lease.epoch]);
      seq += 2 * width;
      return c.query({ name: 'floor_append', text: APPEND, values });
    };
    const appendAll = async (from: number, to: number) => {
      const inFlight: Promise<unknown>[] = [];
      for (let b = from; b < to; b++) {
        if (inFlight.length >= depth) await inFlight.shift();
        inFlight.push(send(b));
      }
      await Promise.all(inFlight);
    };
    await appendAll(0, 20); // warm-up: the function's plans cached, the run's pages read
    const t0 = performance.now();
    await appendAll(20, n + 20);
    return ((performance.now() - t0) * 1000) / n;
  } finally {
    await c.end();
  }
}
