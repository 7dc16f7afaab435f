// Run leases on PostgreSQL: owner, expiry and a fencing epoch on the runs row. Every change of hands moves the
// epoch on, and append_events refuses a token whose epoch is not the row's, so a driver frozen past its lease
// cannot append after a takeover. Times come from the database's clock, the one clock every host shares.
// Daemons claim unowned runs with FOR UPDATE SKIP LOCKED, so two never claim the same run.

import { PhasedError } from '../../machines/index.js';
import type { CanStealLease, LeaseGrant, LeaseToken } from '../api.js';
import type { Db } from './db.js';
import type { PgRuns } from './runs.js';

/** An ISO-8601 UTC text (as the SQLite store writes) of the database's clock plus `$n` ms. */
const isoIn = (param: string) =>
  `to_char((clock_timestamp() + ${param} * interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const NOW = isoIn('0');

export interface ClaimedRun {
  runId: string;
  token: LeaseToken;
  /** The owner whose expired lease was taken over, if any. */
  from?: string;
}

export class PgLeases {
  constructor(
    private readonly db: Db,
    private readonly runs: PgRuns,
    private readonly channel: string,
  ) {}

  async acquire(runId: string, owner: string, ttlMs: number, canSteal?: CanStealLease): Promise<LeaseGrant> {
    checkArgs(owner, ttlMs);
    // Retried on a lost connection: taking a lease one already holds keeps its epoch, so a retry is harmless.
    const grant = await this.db.retrying(
      () =>
        this.db.tx(async (c) => {
          const r = await c.query<{
            owner: string | null;
            expires: string | null;
            epoch: number;
            now: string;
          }>(
            `SELECT owner, lease_expires_at AS expires, lease_epoch AS epoch, ${NOW} AS now
         FROM runs WHERE run_id = $1 FOR UPDATE`,
            [runId],
          );
          const row = r.rows[0];
          if (!row) return undefined;
          const free =
            row.owner === null ||
            row.owner === owner ||
            row.expires === null ||
            row.expires <= row.now ||
            (canSteal?.(row.owner, row.expires) ?? false);
          if (!free)
            return { ok: false as const, owner: row.owner as string, expiresAt: row.expires as string };
          const changesHands = row.owner !== owner;
          const epoch = row.epoch + (changesHands ? 1 : 0);
          await c.query(
            `UPDATE runs SET owner = $2, lease_expires_at = ${isoIn('$3::bigint')}, lease_epoch = $4 WHERE run_id = $1`,
            [runId, owner, Math.round(ttlMs), epoch],
          );
          if (changesHands) await c.query('SELECT pg_notify($1, $2)', [this.channel, runId]);
          const from = changesHands && row.owner !== null ? row.owner : undefined;
          return { ok: true as const, token: { owner, epoch }, ...(from ? { from } : {}) };
        }),
      `take the lease on run ${runId}`,
    );
    if (!grant) throw await this.runs.notFound(runId);
    return grant;
  }

  async renew(runId: string, lease: LeaseToken, ttlMs: number): Promise<boolean> {
    checkArgs(lease.owner, ttlMs);
    const rows = await this.db.retrying(
      () =>
        this.db.once({
          name: 'phased_renew_lease',
          text: `UPDATE runs SET lease_expires_at = ${isoIn('$4::bigint')}
                 WHERE run_id = $1 AND owner = $2 AND lease_epoch = $3 RETURNING 1`,
          values: [runId, lease.owner, lease.epoch, Math.round(ttlMs)],
        }),
      `renew the lease on run ${runId}`,
    );
    return rows.length === 1;
  }

  async release(runId: string, lease: LeaseToken): Promise<void> {
    await this.db.retrying(
      () =>
        this.db.once({
          text: `WITH r AS (UPDATE runs SET owner = NULL, lease_expires_at = NULL
                   WHERE run_id = $1 AND owner = $2 AND lease_epoch = $3 RETURNING run_id)
                 SELECT pg_notify($4, run_id) FROM r`,
          values: [runId, lease.owner, lease.epoch, this.channel],
        }),
      `release the lease on run ${runId}`,
    );
  }

  /**
   * Claims up to `limit` runs that are created or running and whose lease is free or expired, oldest first.
   * Rows another claimer has locked are skipped, not waited for: concurrent daemons split the runs.
   */
  async claim(owner: string, limit: number, ttlMs: number): Promise<ClaimedRun[]> {
    checkArgs(owner, ttlMs);
    const rows = await this.db.once<{ runId: string; epoch: number; from: string | null }>({
      text: `WITH c AS (
               SELECT run_id, owner AS prior FROM runs
               WHERE status IN ('created', 'running')
                 AND (owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= ${NOW})
               ORDER BY created_order LIMIT $2 FOR UPDATE SKIP LOCKED),
             u AS (
               UPDATE runs r SET owner = $1, lease_expires_at = ${isoIn('$3::bigint')},
                 lease_epoch = r.lease_epoch + CASE WHEN c.prior IS DISTINCT FROM $1 THEN 1 ELSE 0 END
               FROM c WHERE r.run_id = c.run_id
               RETURNING r.run_id, r.lease_epoch, c.prior)
             SELECT run_id AS "runId", lease_epoch AS epoch, prior AS "from", pg_notify($4, run_id) FROM u`,
      values: [owner, limit, Math.round(ttlMs), this.channel],
    });
    return rows.map((r) => ({
      runId: r.runId,
      token: { owner, epoch: r.epoch },
      ...(r.from !== null && r.from !== owner ? { from: r.from } : {}),
    }));
  }
}

function checkArgs(owner: string, ttlMs: number): void {
  if (typeof owner !== 'string' || owner === '') {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `a lease owner must be a non-empty string, got ${JSON.stringify(owner)}`,
    );
  }
  if (!Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new PhasedError('BAD_ARGUMENT', `a lease ttl must be a finite number of ms ≥ 0, got ${ttlMs}`);
  }
}
