// Machine snapshots saved every N events, tied to the log by the event hash at their seq and
// sealed by a digest, so loading one detects both a tampered snapshot and a rewritten log.

import type Database from 'better-sqlite3';
import { PhasedError } from '../machines/index.js';
import { snapshotDigest } from './hash.js';
import type { SnapshotRecord } from './types.js';

/** Snapshots kept per run; older ones are pruned when a new one is saved. */
export const SNAPSHOTS_KEPT = 3;

export class Snapshots {
  private readonly eventHash: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly latest: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {
    this.eventHash = db.prepare('SELECT hash FROM events WHERE run_id = ? AND seq = ?').pluck();
    this.insert = db.prepare(
      'INSERT OR REPLACE INTO snapshots (run_id, seq, snapshot, hash, digest) VALUES (?, ?, ?, ?, ?)',
    );
    this.prune = db.prepare(
      `DELETE FROM snapshots WHERE run_id = ? AND seq < (
         SELECT min(seq) FROM (SELECT seq FROM snapshots WHERE run_id = ? ORDER BY seq DESC LIMIT ${SNAPSHOTS_KEPT}))`,
    );
    this.latest = db.prepare(
      'SELECT seq, snapshot, hash, digest FROM snapshots WHERE run_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1',
    );
  }

  save(runId: string, seq: number, snapshot: unknown, opts: { beforeCommit?: () => void } = {}): void {
    this.db
      .transaction(() => {
        const hash = this.eventHash.get(runId, seq) as string | undefined;
        if (hash === undefined) {
          throw new PhasedError(
            'BAD_ARGUMENT',
            `cannot save a snapshot of run ${runId} at seq ${seq}: the log has no such event`,
            { details: { runId, seq } },
          );
        }
        const text = JSON.stringify(snapshot);
        this.insert.run(runId, seq, text, hash, snapshotDigest(hash, text));
        this.prune.run(runId, runId);
        opts.beforeCommit?.();
      })
      .immediate();
  }

  /** The newest snapshot at or before `atOrBeforeSeq`, checked against its digest and the log. */
  load(runId: string, atOrBeforeSeq = Number.MAX_SAFE_INTEGER): SnapshotRecord | undefined {
    const row = this.latest.get(runId, atOrBeforeSeq) as
      | { seq: number; snapshot: string; hash: string; digest: string }
      | undefined;
    if (!row) return undefined;
    if (snapshotDigest(row.hash, row.snapshot) !== row.digest) {
      throw this.tampered(runId, row.seq, 'its digest does not match its content (the snapshot was altered)');
    }
    const logHash = this.eventHash.get(runId, row.seq) as string | undefined;
    if (logHash !== row.hash) {
      const why =
        logHash === undefined ? 'the log has no event at that seq' : 'the event at that seq has another hash';
      throw this.tampered(runId, row.seq, `${why} (the log was altered or truncated)`);
    }
    return { seq: row.seq, snapshot: JSON.parse(row.snapshot), hash: row.hash };
  }

  private tampered(runId: string, seq: number, why: string): PhasedError {
    return new PhasedError(
      'LOG_TAMPERED',
      `run ${runId}: snapshot at seq ${seq} in ${this.file} failed verification: ${why}. Run \`phased replay ${runId} --verify\` to locate the damage.`,
      { details: { runId, seq, file: this.file } },
    );
  }
}
