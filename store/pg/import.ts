// Writing a whole run into PostgreSQL as it was recorded elsewhere (`phased db copy`): the runs row, every event
// row with its original text and hashes, the head, the snapshots, and the units projection rebuilt from the
// events by the same fold appends use. One transaction: a failed copy leaves nothing behind.

import { eventFromRow, PhasedError } from '../../machines/index.js';
import { snapshotDigest } from '../hash.js';
import type { RunRow, SnapshotRecord, StoredEvent } from '../types.js';
import type { Db } from './db.js';
import { sqlState } from './errors.js';
import { APPLY_UNIT_OPS_SQL, UnitOps } from './unit-ops.js';

const BATCH = 1000;

export class PgImporter {
  constructor(
    private readonly db: Db,
    private readonly channel: string,
  ) {}

  async importRun(run: RunRow, events: Iterable<StoredEvent>, snapshots: SnapshotRecord[]): Promise<number> {
    try {
      return await this.db.tx(async (c) => {
        await c.query(
          `INSERT INTO runs (run_id, plan_name, plan_hash, plan_json, machine_version, created_at, status, state_json)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            run.runId,
            run.planName,
            run.planHash,
            run.planJson,
            run.machineVersion,
            run.createdAt,
            run.status,
            run.stateJson,
          ],
        );
        let batch: StoredEvent[] = [];
        let last: StoredEvent | undefined;
        let count = 0;
        const flush = async () => {
          if (batch.length === 0) return;
          const col = <K extends keyof StoredEvent>(k: K) => batch.map((e) => e[k]);
          await c.query(
            `INSERT INTO events (run_id, seq, at, type, data, state, prev_hash, hash)
             SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
            [
              run.runId,
              col('seq'),
              col('at'),
              col('type'),
              col('data'),
              col('state'),
              col('prevHash'),
              col('hash'),
            ],
          );
          const ops = new UnitOps();
          for (const e of batch) ops.add(e.seq, eventFromRow(e.type, e.data));
          if (ops.length > 0) {
            await c.query(APPLY_UNIT_OPS_SQL, [run.runId, ...ops.params()]);
          }
          batch = [];
        };
        for (const e of events) {
          batch.push(e);
          last = e;
          count++;
          if (batch.length >= BATCH) await flush();
        }
        await flush();
        await c.query(
          `INSERT INTO run_heads (run_id, head_seq, head_hash, updated_at, status, state_json)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [run.runId, last?.seq ?? 0, last?.hash ?? '', run.updatedAt, run.status, run.stateJson],
        );
        for (const s of snapshots) {
          const text = JSON.stringify(s.snapshot);
          await c.query(
            'INSERT INTO snapshots (run_id, seq, snapshot, hash, digest) VALUES ($1, $2, $3, $4, $5)',
            [run.runId, s.seq, text, s.hash, snapshotDigest(s.hash, text)],
          );
        }
        await c.query('SELECT pg_notify($1, $2)', [this.channel, run.runId]);
        return count;
      });
    } catch (err) {
      if (sqlState(err) === '23505') {
        throw new PhasedError(
          'BAD_ARGUMENT',
          `run ${run.runId} already exists in ${this.db.target.location}`,
          {
            details: { runId: run.runId },
          },
        );
      }
      throw err;
    }
  }
}
