// Who drives a run, judged from its row: the holder of an unexpired lease whose process is not known to be gone.
// Reads nothing itself, so the console can judge a summary row and status a run row alike.

import { ownerIsDead } from '../engine/index.js';

/** The live lease holder, or null (no lease, expired, or a process on this host that no longer exists). */
export function ownerOf(
  row: { owner: string | null; leaseExpiresAt: string | null },
  now = Date.now(),
): string | null {
  if (!row.owner || !row.leaseExpiresAt || Date.parse(row.leaseExpiresAt) <= now) return null;
  return ownerIsDead(row.owner) ? null : row.owner;
}
