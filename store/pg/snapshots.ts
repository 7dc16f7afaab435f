// Machine snapshots on PostgreSQL, tied to the log by the event hash at their seq and sealed by a digest
// (store/hash.ts's snapshotDigest), so loading one detects a tampered snapshot and a rewritten log alike.

import { PhasedError } from '../../machines/index.js';
import { snapshotDigest } from '../hash.js';
import { SNAPSHOTS_KEPT } from '../snapshots.js';
import type { SnapshotRecord } from '../types.js';
import type { Db } from './db.js';

/**
 * One statement, so one round trip: the snapshot is written only if the log holds the event it is tied to (seq and
 * hash), and the run's snapshots are pruned to the newest SNAPSHOTS_KEPT, the new one included. Its commit does
 * not wait for the WAL to reach the disk (synchronous_commit off for this transaction alone): a snapshot is a cache
 * of the log, the events it covers were committed (and flushed) before it, and the WAL is written in order, so a
 * server crash can only lose the snapshot with its pruning, never keep it without its events. The driver's next
 * append flushes it; meanwhile the appends do not queue behind its flush.
 */
const SAVE_SQL = `WITH ins AS (
    INSERT INTO snapshots (run_id, seq, snapshot, hash, digest)
    SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM events WHERE run_id = $1 AND seq = $2 AND hash = $4)
    ON CONFLICT (run_id, seq) DO UPDATE SET snapshot = excluded.snapshot, hash = excluded.hash,
      digest = excluded.digest
    RETURNING seq),
  pruned AS (
    DELETE FROM snapshots WHERE run_id = $1 AND seq <> $2 AND EXISTS (SELECT 1 FROM ins) AND seq < (
      SELECT min(seq) FROM (
        SELECT seq FROM (SELECT seq FROM snapshots WHERE run_id = $1 AND seq <> $2 UNION ALL SELECT $2::bigint) a
        ORDER BY seq DESC LIMIT ${SNAPSHOTS_KEPT}) s))
  SELECT count(*)::int AS saved FROM ins CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS c`;

export class PgSnapshots {
  constructor(
    private readonly db: Db,
    /** The hash of the event at a seq, when this process appended it (else it is read). */
    private readonly knownHash: (runId: string, seq: number) => string | undefined = () => undefined,
  ) {}

  async save(
    runId: string,
    seq: number,
    snapshot: unknown,
    opts: { beforeCommit?: () => void } = {},
  ): Promise<void> {
    const text = JSON.stringify(snapshot);
    const hash =
      this.knownHash(runId, seq) ??
      (
        await this.db.read<{ hash: string }>({
          name: 'phased_hash_at',
          text: 'SELECT hash FROM events WHERE run_id = $1 AND seq = $2',
          values: [runId, seq],
        })
      )[0]?.hash;
    // Before the one statement that writes it (crash tests kill the process here; a throw writes nothing).
    if (hash !== undefined) opts.beforeCommit?.();
    const saved =
      hash === undefined
        ? 0
        : // Idempotent (an upsert of the same row), so a lost connection is simply retried.
          (
            await this.db.read<{ saved: number }>(
              {
                name: 'phased_save_snapshot',
                text: SAVE_SQL,
                values: [runId, seq, text, hash, snapshotDigest(hash, text)],
              },
              `save a snapshot of run ${runId}`,
            )
          )[0].saved;
    if (saved === 0) {
      throw new PhasedError(
        'BAD_ARGUMENT',
        `cannot save a snapshot of run ${runId} at seq ${seq}: the log has no such event`,
        { details: { runId, seq } },
      );
    }
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
