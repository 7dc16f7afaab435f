// The driver's lease on a run: owner + expiry on the runs row, taken and renewed under SQLite's write lock.
// Deciding whether a holder is dead is the caller's job (canSteal); this only records who holds it.

import type Database from 'better-sqlite3';
import { PhasedError } from '../machines/index.js';
import type { LeaseGrant, LeaseToken } from './api.js';
import type { Runs } from './runs.js';
import type { LeaseResult } from './types.js';

export type CanSteal = (currentOwner: string, expiresAt: string) => boolean;

export class Leases {
  private readonly getStmt: Database.Statement;
  private readonly setStmt: Database.Statement;
  private readonly renewStmt: Database.Statement;
  private readonly releaseStmt: Database.Statement;
  private readonly epochStmt: Database.Statement;
  private readonly renewTokenStmt: Database.Statement;
  private readonly releaseTokenStmt: Database.Statement;
  private readonly acquireTx: Database.Transaction<
    (runId: string, owner: string, ttlMs: number, canSteal?: CanSteal) => LeaseResult
  >;
  private readonly acquireTokenTx: Database.Transaction<
    (runId: string, owner: string, ttlMs: number, canSteal?: CanSteal) => LeaseGrant
  >;

  constructor(
    db: Database.Database,
    private readonly runs: Runs,
  ) {
    this.getStmt = db.prepare('SELECT owner, lease_expires_at AS expiresAt FROM runs WHERE run_id = ?');
    this.setStmt = db.prepare(
      'UPDATE runs SET owner = ?, lease_expires_at = ?, lease_epoch = lease_epoch + 1 WHERE run_id = ?',
    );
    this.epochStmt = db.prepare('SELECT lease_epoch FROM runs WHERE run_id = ?').pluck();
    this.renewTokenStmt = db.prepare(
      'UPDATE runs SET lease_expires_at = ? WHERE run_id = ? AND owner = ? AND lease_epoch = ?',
    );
    this.releaseTokenStmt = db.prepare(
      'UPDATE runs SET owner = NULL, lease_expires_at = NULL WHERE run_id = ? AND owner = ? AND lease_epoch = ?',
    );
    this.renewStmt = db.prepare('UPDATE runs SET lease_expires_at = ? WHERE run_id = ? AND owner = ?');
    this.releaseStmt = db.prepare(
      'UPDATE runs SET owner = NULL, lease_expires_at = NULL WHERE run_id = ? AND owner = ?',
    );
    this.acquireTx = db.transaction((runId, owner, ttlMs, canSteal) => {
      const row = this.getStmt.get(runId) as { owner: string | null; expiresAt: string | null } | undefined;
      if (!row) throw this.runs.notFound(runId);
      const now = Date.now();
      const free =
        row.owner === null ||
        row.owner === owner ||
        row.expiresAt === null ||
        Date.parse(row.expiresAt) <= now ||
        (canSteal?.(row.owner, row.expiresAt) ?? false);
      if (!free) return { ok: false, owner: row.owner as string, expiresAt: row.expiresAt as string };
      this.setStmt.run(owner, new Date(now + ttlMs).toISOString(), runId);
      return { ok: true };
    });
    this.acquireTokenTx = db.transaction((runId, owner, ttlMs, canSteal) => {
      const before = this.getStmt.get(runId) as { owner: string | null } | undefined;
      const r = this.acquireTx(runId, owner, ttlMs, canSteal);
      if (!r.ok) return r;
      const token = { owner, epoch: this.epochStmt.get(runId) as number };
      const from = before?.owner;
      return from && from !== owner ? { ok: true, token, from } : { ok: true, token };
    });
  }

  acquire(runId: string, owner: string, ttlMs: number, canSteal?: CanSteal): LeaseResult {
    checkArgs(owner, ttlMs);
    return this.acquireTx.immediate(runId, owner, ttlMs, canSteal);
  }

  /** acquire(), returning the fencing token (owner and the epoch this acquisition moved the lease to). */
  acquireToken(runId: string, owner: string, ttlMs: number, canSteal?: CanSteal): LeaseGrant {
    checkArgs(owner, ttlMs);
    return this.acquireTokenTx.immediate(runId, owner, ttlMs, canSteal);
  }

  /** Extends the lease the token holds; false when it changed hands since (or the run is gone). */
  renewToken(runId: string, lease: LeaseToken, ttlMs: number): boolean {
    checkArgs(lease.owner, ttlMs);
    const until = new Date(Date.now() + ttlMs).toISOString();
    return this.renewTokenStmt.run(until, runId, lease.owner, lease.epoch).changes === 1;
  }

  /** Gives the lease up if the token still holds it; a no-op otherwise. */
  releaseToken(runId: string, lease: LeaseToken): void {
    this.releaseTokenStmt.run(runId, lease.owner, lease.epoch);
  }

  /** Extends our lease; false when another owner holds the run now (or the run is gone). */
  renew(runId: string, owner: string, ttlMs: number): boolean {
    checkArgs(owner, ttlMs);
    return this.renewStmt.run(new Date(Date.now() + ttlMs).toISOString(), runId, owner).changes === 1;
  }

  /** Gives the lease up if we hold it; a no-op otherwise. */
  release(runId: string, owner: string): void {
    this.releaseStmt.run(runId, owner);
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
