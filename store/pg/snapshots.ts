// Machine snapshots on PostgreSQL, tied to the log by the event hash at their seq and sealed by a digest
// (store/hash.ts's snapshotDigest), so loading one detects a tampered snapshot and a rewritten log alike.

import { PhasedError } from '../../machines/index.js';
import { snapshotDigest } from '../hash.js';
import { SNAPSHOTS_KEPT } from '../snapshots.js';
import type { SnapshotRecord } from '../types.js';
import type { Db } from './db.js';

export class PgSnapshots {
  constructor(private readonly db: Db) {}

  async save(
    runId: string,
    seq: number,
    snapshot: unknown,
    opts: { beforeCommit?: () => void } = {},
  ): Promise<void> {
    const text = JSON.stringify(snapshot);
    await this.db.tx(async (c) => {
      const r = await c.query<{ hash: string }>('SELECT hash FROM events WHERE run_id = $1 AND seq = $2', [
        runId,
        seq,
      ]);
      const hash = r.rows[0]?.hash;
      if (hash === undefined) {
        throw new PhasedError(
          'BAD_ARGUMENT',
          `cannot save a snapshot of run ${runId} at seq ${seq}: the log has no such event`,
          { details: { runId, seq } },
        );
      }
      await c.query(
        `INSERT INTO snapshots (run_id, seq, snapshot, hash, digest) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (run_id, seq) DO UPDATE SET snapshot = excluded.snapshot, hash = excluded.hash,
           digest = excluded.digest`,
        [runId, seq, text, hash, snapshotDigest(hash, text)],
      );
      await c.query(
        `DELETE FROM snapshots WHERE run_id = $1 AND seq < (
           SELECT min(seq) FROM (SELECT seq FROM snapshots WHERE run_id = $1 ORDER BY seq DESC LIMIT ${SNAPSHOTS_KEPT}) s)`,
        [runId],
      );
      // Inside the transaction, before it commits (crash tests kill the process here; a throw rolls it back).
      opts.beforeCommit?.();
    });
  }

  /** The newest snapshot at or before `atOrBeforeSeq`, checked against its digest and the log. */
  async load(runId: string, atOrBeforeSeq = Number.MAX_SAFE_INTEGER): Promise<SnapshotRecord | undefined> {
    const rows = await this.db.read<{
      seq: number;
      snapshot: string;
      hash: string;
      digest: string;
      log: string | null;
    }>({
      text: `SELECT s.seq, s.snapshot, s.hash, s.digest, e.hash AS log FROM snapshots s
               LEFT JOIN events e ON e.run_id = s.run_id AND e.seq = s.seq
               WHERE s.run_id = $1 AND s.seq <= $2 ORDER BY s.seq DESC LIMIT 1`,
      values: [runId, atOrBeforeSeq],
    });
    const row = rows[0];
    if (!row) return undefined;
    if (snapshotDigest(row.hash, row.snapshot) !== row.digest) {
      throw this.tampered(runId, row.seq, 'its digest does not match its content (the snapshot was altered)');
    }
    if (row.log !== row.hash) {
      const why =
        row.log === null ? 'the log has no event at that seq' : 'the event at that seq has another hash';
      throw this.tampered(runId, row.seq, `${why} (the log was altered or truncated)`);
    }
    return { seq: row.seq, snapshot: JSON.parse(row.snapshot), hash: row.hash };
  }

  private tampered(runId: string, seq: number, why: string): PhasedError {
    return new PhasedError(
      'LOG_TAMPERED',
      `run ${runId}: snapshot at seq ${seq} in ${this.db.target.location} failed verification: ${why}. Run \`phased replay ${runId} --verify\` to locate the damage.`,
      { details: { runId, seq, location: this.db.target.location } },
    );
  }
}
