// The PostgreSQL append's own floor: the writes of one unit's append (two event rows, two units upserted, the head
// moved under the lease's check, in one transaction), or of a batch of `width` units, sent as the schema's
// append_events statement from a bare pg client, prepared, with hand-built parameters: no machine, no driver, no
// hashing, no phased client code. pg_unit_contract_ratio divides the driver's unit by it; pg_append_floor_ratio
// divides it by a raw commit; pg_batch_floor_units_per_s is what one run's batches of 16 give sent one at a time.

import pg from 'pg';
import type { LeaseToken } from '../../store/api.js';
import { openPgStore } from '../../store/pg/index.js';

const AT = '2025-01-01T00:00:00.000Z';
const STATE = JSON.stringify({ running: 'units' });
const APPEND = 'SELECT append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)';

/** A 64-hex-digit stand-in for an event's hash (the floor computes none). */
const fakeHash = (seq: number) => seq.toString(16).padStart(64, '0');

/**
 * The parameters of append `b` when `width` units run at once: the units of batch b-1 succeeded, those of batch b
 * started (at concurrency 1, one unit's append: two events, two units).
 */
function unitAppend(
  runId: string,
  seq: number,
  b: number,
  width: number,
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
    const partition = `p${b - 1}_${j}`;
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
 * of its own (the store that sets the run up is closed before timing).
 */
export async function pgAppendFloorUs(url: string, schema: string, n: number, width = 1): Promise<number> {
  const runId = 'floor';
  const owner = 'bench-floor';
  const lease = await floorRun(url, schema, runId, owner);
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    let seq = 0;
    const append = async (b: number) => {
      await c.query({
        name: 'floor_append',
        text: APPEND,
        values: unitAppend(runId, seq, b, width, [owner, lease.epoch]),
      });
      seq += 2 * width;
    };
    for (let i = 0; i < 20; i++) await append(i); // warm-up: the function's plans cached, the run's pages read
    const t0 = performance.now();
    for (let i = 20; i < n + 20; i++) await append(i);
    return ((performance.now() - t0) * 1000) / n;
  } finally {
    await c.end();
  }
}
