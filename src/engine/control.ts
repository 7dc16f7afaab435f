// Control commands from another process: pause, cancel, resume, retry, approve. Each opens the run's log, reads
// what the decision needs (the live driver, failed units) and appends what machines/control.ts decides at the head
// it saw, without a lease (CONFLICT: fold what the driver appended, decide again); it never drives units.

import { type ControlCommand, decideControl, type RunSnapshot, runStatus } from '../../machines/index.js';
import type { EventStore, StoredEvent } from '../../store/index.js';
import { liveOwner, ownerId } from './lease.js';
import { RunLog } from './run-log.js';
import { failedPartitions, runState } from './run-state.js';

export interface ControlResult {
  runId: string;
  /** Events appended, in order. */
  appended: string[];
  /** Their seqs. */
  seqs: number[];
  /** The run's status after the command. */
  status: string;
  /** The lease holder that will react to the request, when a driver is live. */
  driver: string | null;
  /** What the operator should do next, if anything. */
  hint?: string;
}

function result(log: RunLog, stored: StoredEvent[], driver: string | null, hint?: string): ControlResult {
  const appended = stored.map((e) => e.type);
  const seqs = stored.map((e) => e.seq);
  return { runId: log.runId, appended, seqs, status: runStatus(log.snapshot), driver, hint };
}

/**
 * Append what the decision returns for `command`, deciding inside the append (after events other processes
 * appended meanwhile are applied). Returns the stored events and the live driver the decision was given.
 */
async function control(
  log: RunLog,
  command: ControlCommand,
  failed?: (snap: RunSnapshot) => Promise<Record<string, string[]>>,
): Promise<{ stored: StoredEvent[]; driver: string | null }> {
  let driver: string | null = null;
  const stored = await log.commitWith(async (snap) => {
    driver = (await liveOwner(log.store, log.runId)) ?? null;
    return decideControl(command, { ...runState(log, snap, await failed?.(snap)), driver });
  });
  return { stored, driver };
}

/** Pause or cancel: with a live driver only the request is logged (the driver drains, then settles it). */
export async function requestStop(
  store: EventStore,
  runId: string,
  kind: 'pause' | 'cancel',
  reason = 'requested by operator',
  by = ownerId(),
): Promise<ControlResult> {
  const log = await RunLog.open(store, runId, { verify: true });
  const { stored, driver } = await control(log, { type: kind, by, reason });
  const hint = driver
    ? `${driver} drives the run; it ${kind === 'pause' ? 'pauses' : 'cancels'} once its in-flight units finish`
    : kind === 'pause'
      ? `continue it with \`phased resume ${runId}\``
      : undefined;
  return result(log, stored, driver, hint);
}

/** Continue a paused run on record (the console): whichever process drives runs then picks it up. */
export async function requestResume(
  store: EventStore,
  runId: string,
  reason: string,
  by = ownerId(),
): Promise<ControlResult> {
  const log = await RunLog.open(store, runId, { verify: true });
  const { stored, driver } = await control(log, { type: 'resume', by, reason });
  const hint = driver
    ? undefined
    : `a running \`phased daemon\` picks it up, or continue it with \`phased resume ${runId}\``;
  return result(log, stored, driver, hint);
}

export interface RetryRequest {
  step?: string;
  partitions?: string[];
  /** Re-check this blocked gate as the data stands (no unit is re-opened). */
  gate?: string;
  reason?: string;
  /** Who asks (default this process; `http` from the console). */
  by?: string;
}

/** Re-open failed units (and a blocked gate's phase) within what may be retried now, or re-check a blocked gate. */
export async function requestRetry(
  store: EventStore,
  runId: string,
  r: RetryRequest = {},
): Promise<ControlResult> {
  const log = await RunLog.open(store, runId, { verify: true });
  const by = r.by ?? ownerId();
  const { step, partitions, reason, gate } = r;
  if (gate !== undefined) {
    const { stored, driver } = await control(log, {
      type: 'recheck-gate',
      gate,
      by,
      reason,
      step,
      partitions,
    });
    const hint = driver
      ? `${driver} drives the run and evaluates gate ${gate} again`
      : `gate ${gate} is evaluated again when the run continues: \`phased resume ${runId}\` (or let \`phased daemon\` pick it up)`;
    return result(log, stored, driver, hint);
  }
  const { stored, driver } = await control(log, { type: 'retry', by, reason, step, partitions }, (snap) =>
    failedPartitions(log, snap, step),
  );
  const hint = driver
    ? `${driver} drives the run and picks the units up`
    : `continue it with \`phased resume ${runId}\``;
  return result(log, stored, driver, hint);
}

/** Pass a blocked gate on record: GATE_OVERRIDDEN with the operator's reason. */
export async function approveGate(
  store: EventStore,
  runId: string,
  gate: string,
  reason: string,
  by = ownerId(),
): Promise<ControlResult> {
  const log = await RunLog.open(store, runId, { verify: true });
  const { stored, driver } = await control(log, { type: 'approve', gate, reason, by });
  const hint = driver
    ? undefined
    : `continue it with \`phased resume ${runId}\` (or let \`phased daemon\` pick it up)`;
  return result(log, stored, driver, hint);
}

export function formatControl(r: ControlResult): string {
  const lines = [`run ${r.runId}: appended ${r.appended.join(', ')}; status now ${r.status}`];
  if (r.hint) lines.push(r.hint);
  return lines.join('\n');
}
