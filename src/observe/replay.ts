// Audit replay of a stored log: the timeline (time, seq, event, and the state after it when it changed, with
// the states left and entered), the state as of a seq or time, and verification (hash chain, seq continuity,
// and the machine reproducing every recorded state).

import { eventFromRow, PhasedError, type RunEvent } from '../../machines/index.js';
import type { EventStore, StoredEvent } from '../../store/index.js';
import { rebuildRun } from '../engine/rebuild.js';
import { eventPages } from './pages.js';
import { formatChange, leafPaths, type StateChange, stateChange } from './state-change.js';

export interface TimelineEntry {
  seq: number;
  at: string;
  type: string;
  data: unknown;
  state: unknown;
}

export function timelineEntry(e: StoredEvent): TimelineEntry {
  return { seq: e.seq, at: e.at, type: e.type, data: JSON.parse(e.data), state: JSON.parse(e.state) };
}

/**
 * A run's events read in log order, each with what it changed: the leaf states left and entered (short paths),
 * or nothing when the state after it is the state before it.
 */
export class Timeline {
  private prevText: string | undefined;
  private prevLeaves: string[] = [];

  /** The change `e` made; undefined when it left the state as it was. Call once per event, in order. */
  change(e: StoredEvent): StateChange | undefined {
    if (e.state === this.prevText) return undefined;
    const leaves = leafPaths(JSON.parse(e.state));
    const c = stateChange(this.prevLeaves, leaves);
    this.prevText = e.state;
    this.prevLeaves = leaves;
    return c.entered.length > 0 || c.left.length > 0 ? c : undefined;
  }

  /** The NDJSON row: every field of timelineEntry (the full state on every row), plus entered and left. */
  entry(e: StoredEvent): TimelineEntry & StateChange {
    const c = this.change(e);
    return { ...timelineEntry(e), entered: c?.entered ?? [], left: c?.left ?? [] };
  }

  line(e: StoredEvent): string {
    return formatTimelineLine(e, this.change(e));
  }
}

/** A state value in one line: nesting with '.', parallel regions in braces. */
export function stateLabel(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return String(value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [k, v] = entries[0];
    return typeof v === 'string' ? `${k}.${v}` : `${k}.${stateLabel(v)}`;
  }
  return `{${entries.map(([k, v]) => (typeof v === 'string' ? `${k}:${v}` : `${k}.${stateLabel(v)}`)).join(', ')}}`;
}

/** What an event says, briefly: unit, gate, actor and reason. */
export function eventDetail(event: RunEvent): string {
  switch (event.type) {
    case 'UNIT_STARTED':
      return `${event.step} ${event.partition} attempt ${event.attempt} (${event.reason})`;
    case 'UNIT_SUCCEEDED':
      return `${event.step} ${event.partition} attempt ${event.attempt}: ${event.rows} rows in ${event.ms} ms`;
    case 'UNIT_FAILED':
      return `${event.step} ${event.partition} attempt ${event.attempt}: ${event.error.code} ${event.error.message}${event.final ? ' (final)' : ''}`;
    case 'GATE_PASSED':
    case 'GATE_FAILED':
      return `${event.gate}${event.report.error ? `: ${event.report.error}` : ''}`;
    case 'GATE_OVERRIDDEN':
      return `${event.gate} by ${event.by}: ${event.reason}`;
    case 'PAUSE_REQUESTED':
    case 'PAUSED':
    case 'RESUMED':
    case 'CANCEL_REQUESTED':
    case 'CANCELLED':
      return `by ${event.by}${event.reason ? `: ${event.reason}` : ''}`;
    case 'RETRY_REQUESTED':
      return `by ${event.by}: ${event.reopened.map((r) => `${r.step} ×${r.count}`).join(', ') || 'nothing re-opened'}${event.gate ? ` (gate ${event.gate})` : ''}`;
    case 'DRIVER_ATTACHED':
    case 'DRIVER_DETACHED':
      return `pid ${event.pid} on ${event.host}${event.reason ? ` (${event.reason})` : ''}`;
    case 'RUN_FAILED':
      return event.reason;
    default:
      return '';
  }
}

/**
 * One timeline line: time, seq, type and detail; when the event changed the state, also what it left and
 * entered and the whole state after it (`… left step:a.running; entered step:a.settled → <state>`).
 */
export function formatTimelineLine(e: StoredEvent, change: StateChange | undefined): string {
  const detail = eventDetail(eventFromRow(e.type, e.data));
  const head = `${e.at}  ${String(e.seq).padStart(6)}  ${e.type.padEnd(17)} ${detail}`;
  if (!change) return head.trimEnd();
  return `${detail ? `${head}  ` : head}${formatChange(change)} → ${stateLabel(JSON.parse(e.state))}`;
}

/** Why a run has no event to show: it was created (`run --detach`) and nothing has driven it yet. */
export function noEventsYet(runId: string): string {
  return `run ${runId} has no events yet: it was created (run --detach) and no process has driven it; resume it, or let a daemon take it`;
}

/** The seqs a run has, for a message about one out of range. */
export function seqRange(runId: string, head: number): string {
  return head === 0 ? noEventsYet(runId) : `run ${runId} has events 1…${head}`;
}

/** Resolve `--at`: a seq number, or an ISO time (the last event at or before it). */
export async function resolveAt(store: EventStore, runId: string, at: string): Promise<number> {
  if (/^\d+$/.test(at)) {
    const seq = Number(at);
    const head = (await store.head(runId)).seq;
    if (seq < 1 || seq > head) {
      throw new PhasedError('BAD_ARGUMENT', `--at ${at}: ${seqRange(runId, head)}`);
    }
    return seq;
  }
  const t = Date.parse(at);
  if (Number.isNaN(t)) {
    throw new PhasedError('BAD_ARGUMENT', `--at ${at} is neither a seq number nor an ISO time`);
  }
  let found = 0;
  scan: for await (const page of eventPages(store, runId)) {
    for (const e of page) {
      if (Date.parse(e.at) > t) break scan;
      found = e.seq;
    }
  }
  if (found === 0) {
    const head = (await store.head(runId)).seq;
    throw new PhasedError(
      'BAD_ARGUMENT',
      head === 0 ? `--at ${at}: ${noEventsYet(runId)}` : `--at ${at} is before run ${runId}'s first event`,
    );
  }
  return found;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  firstBadSeq?: number;
  reason?: string;
  /** The frozen plan does not match the log (its hash, or the event that recorded it). */
  plan?: false;
}

/**
 * Full audit check, one pass from genesis (rebuildRun with verify): the frozen plan against the log, the hash chain
 * and seq continuity, and a fresh machine fed every event must reach the state recorded beside each one.
 */
export async function verifyRun(store: EventStore, runId: string): Promise<VerifyReport> {
  const r = await rebuildRun(store, runId, { from: 'genesis', verify: true });
  r.cursor?.stop();
  const p = r.problem;
  if (!p) return { ok: true, events: r.count };
  return {
    ok: false,
    events: r.count,
    ...(p.seq !== undefined ? { firstBadSeq: p.seq } : {}),
    reason: p.reason,
    ...(p.kind === 'plan' ? { plan: false as const } : {}),
  };
}
