// Who drives a run: the lease owner id of this process, renewal, and taking over from a dead owner.
// The lease row itself lives in the store; this module decides identities and liveness.

import { hostname } from 'node:os';
import { PhasedError } from '../../machines/index.js';
import type { SqliteStore } from '../../store/index.js';

export const LEASE_MS = Number(process.env.PHASED_LEASE_MS ?? 30_000);

/** `pid@host`: enough to name the holder in an error and to test liveness on this host. */
export function ownerId(pid = process.pid): string {
  return `${pid}@${hostname()}`;
}

function parseOwner(owner: string): { pid: number; host: string } | undefined {
  const m = /^(\d+)@(.+)$/.exec(owner);
  return m ? { pid: Number(m[1]), host: m[2] } : undefined;
}

/** True when the owner is a process on this host that no longer exists. */
export function ownerIsDead(owner: string): boolean {
  const o = parseOwner(owner);
  if (!o || o.host !== hostname() || o.pid === process.pid) return false;
  try {
    process.kill(o.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Runs whose lease this process took from another owner (dead, or its lease expired), until a driver attaches. */
const tookOver = new Map<string, string>();

/** Take the run's lease or throw LEASE_HELD naming the holder. */
export function takeLease(store: SqliteStore, runId: string, owner = ownerId(), ttlMs = LEASE_MS): void {
  // A lease still on the row belongs to a driver that never released it (killed, or hung past its expiry).
  const before = store.getRun(runId)?.owner ?? null;
  const r = store.acquireLease(runId, owner, ttlMs, { canSteal: (cur) => ownerIsDead(cur) });
  if (!r.ok) {
    throw new PhasedError(
      'LEASE_HELD',
      `run ${runId} is driven by ${r.owner} (lease until ${r.expiresAt}). ` +
        `Wait for it to finish, control it with \`phased pause|cancel ${runId}\`, or retry after the lease expires if that process is gone.`,
      { details: { runId, owner: r.owner, expiresAt: r.expiresAt } },
    );
  }
  if (before !== null && before !== owner) tookOver.set(runId, before);
}

/** The owner this process took the run's lease from, if it did (told once: to the driver that attaches). */
export function takeoverFrom(runId: string): string | undefined {
  const from = tookOver.get(runId);
  tookOver.delete(runId);
  return from;
}

/** The owner of a live (unexpired) lease, if any. */
export function liveOwner(store: SqliteStore, runId: string, now = Date.now()): string | undefined {
  const run = store.getRun(runId);
  if (!run?.owner || !run.leaseExpiresAt) return undefined;
  if (Date.parse(run.leaseExpiresAt) <= now || ownerIsDead(run.owner)) return undefined;
  return run.owner;
}
