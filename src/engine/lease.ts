// Who drives a run: the lease owner id of this process, renewal, and taking over from a dead owner.
// The lease row itself lives in the store; this module decides identities and liveness.

import { hostname } from 'node:os';
import { PhasedError } from '../../machines/index.js';
import type { EventStore, LeaseToken } from '../../store/index.js';

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

export interface HeldLease {
  token: LeaseToken;
  /** The owner the lease was taken from (a driver that never released it: killed, or hung past its expiry). */
  from?: string;
}

/** Take the run's lease or throw LEASE_HELD naming the holder. The token fences every append made under it. */
export async function takeLease(
  store: EventStore,
  runId: string,
  owner = ownerId(),
  ttlMs = LEASE_MS,
): Promise<HeldLease> {
  const r = await store.acquireLease(runId, owner, ttlMs, { canSteal: (cur) => ownerIsDead(cur) });
  if (!r.ok) {
    throw new PhasedError(
      'LEASE_HELD',
      `run ${runId} is driven by ${r.owner} (lease until ${r.expiresAt}). ` +
        `Wait for it to finish, control it with \`phased pause|cancel ${runId}\`, or retry after the lease expires if that process is gone.`,
      { details: { runId, owner: r.owner, expiresAt: r.expiresAt } },
    );
  }
  return r.from === undefined ? { token: r.token } : { token: r.token, from: r.from };
}

/** The owner of a live (unexpired) lease, if any. */
export async function liveOwner(
  store: EventStore,
  runId: string,
  now = Date.now(),
): Promise<string | undefined> {
  return liveLeaseOwner(await store.getRun(runId), now);
}

/** The owner of a live lease on this runs row, if any. */
export function liveLeaseOwner(
  run: { owner: string | null; leaseExpiresAt: string | null } | undefined,
  now = Date.now(),
): string | undefined {
  if (!run?.owner || !run.leaseExpiresAt) return undefined;
  if (Date.parse(run.leaseExpiresAt) <= now || ownerIsDead(run.owner)) return undefined;
  return run.owner;
}
