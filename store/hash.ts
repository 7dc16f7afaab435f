// The log's hash chain and the snapshot digest: sha256 over newline-joined fields, hex encoded.
// Owns the hashing rules only; verify.ts walks the chain, append.ts extends it.

import { hash } from 'node:crypto';

/** sha256(prev_hash ‖ run_id ‖ seq ‖ type ‖ data), fields joined with '\n'. */
export function eventHash(prevHash: string, runId: string, seq: number, type: string, data: string): string {
  return hash('sha256', prevHash + '\n' + runId + '\n' + seq + '\n' + type + '\n' + data, 'hex');
}

/** sha256(event hash at the snapshot's seq ‖ snapshot JSON text), joined with '\n'. */
export function snapshotDigest(eventHashAtSeq: string, snapshotText: string): string {
  return hash('sha256', eventHashAtSeq + '\n' + snapshotText, 'hex');
}
