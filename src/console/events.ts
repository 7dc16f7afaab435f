// Pages of the log for the console: events filtered by type, step and partition (a bounded scan from a seq),
// and the unit timeline (each attempt as a bar from UNIT_STARTED to its outcome, with markers for the rest).

import type { EventStore, StoredEvent } from '../../store/index.js';
import { eventPages } from '../observe/pages.js';
import type { AttemptBar, EventEntry, EventsPage, TimelineMarker, TimelineResponse } from './api-types.js';
import { MARK_TYPES } from './live-run.js';

export const EVENTS_LIMIT = 500;
export const EVENTS_MAX = 5000;
/** Rows a filtered page may scan before it returns what it found (nextFrom continues). */
const SCAN_MAX = 100_000;
/** Events the timeline reads at most (the latest ones when the log is longer). */
export const TIMELINE_MAX = 200_000;

export function eventEntry(e: StoredEvent): EventEntry {
  return {
    seq: e.seq,
    at: e.at,
    type: e.type,
    data: JSON.parse(e.data),
    state: JSON.parse(e.state),
    hash: e.hash,
  };
}

export interface EventsQuery {
  from: number;
  to?: number;
  types?: Set<string>;
  step?: string;
  partition?: string;
  limit: number;
}

export async function eventsPage(
  store: EventStore,
  runId: string,
  q: EventsQuery,
  head: number,
): Promise<EventsPage> {
  const events: EventEntry[] = [];
  const to = Math.min(q.to ?? head, head);
  let last = q.from - 1;
  let scanned = 0;
  const filtered = q.step !== undefined || q.partition !== undefined;
  // Unfiltered, a page of `limit` (+1 to see that more follow) is all it reads.
  const pageSize = q.types || filtered ? undefined : Math.min(q.limit + 1, SCAN_MAX + 1);
  scan: for await (const page of eventPages(store, runId, { fromSeq: q.from, toSeq: to, pageSize })) {
    for (const e of page) {
      last = e.seq;
      if (++scanned > SCAN_MAX || events.length >= q.limit) {
        last = e.seq - 1;
        break scan;
      }
      if (q.types && !q.types.has(e.type)) continue;
      if (filtered) {
        const d = JSON.parse(e.data) as { step?: string; partition?: string; partitions?: string[] };
        if (q.step !== undefined && d.step !== q.step) continue;
        if (q.partition !== undefined && d.partition !== q.partition && !d.partitions?.includes(q.partition))
          continue;
      }
      events.push(eventEntry(e));
    }
  }
  return { events, headSeq: head, nextFrom: last < to ? last + 1 : null };
}

const MARKS = new Set<string>(MARK_TYPES);

export async function timeline(store: EventStore, runId: string, head: number): Promise<TimelineResponse> {
  const bars: AttemptBar[] = [];
  const markers: TimelineMarker[] = [];
  const open = new Map<string, AttemptBar>();
  let startAt: string | null = null;
  let endAt: string | null = null;
  const add = (e: StoredEvent): void => {
    startAt ??= e.at;
    endAt = e.at;
    if (e.type.startsWith('UNIT_')) {
      const d = JSON.parse(e.data) as {
        step: string;
        partition: string;
        attempt: number;
        reason?: AttemptBar['reason'];
        final?: boolean;
        error?: { code: string };
      };
      const k = `${d.step}\u0000${d.partition}`;
      if (e.type === 'UNIT_STARTED') {
        const prev = open.get(k);
        if (prev) prev.outcome = 'running';
        const bar: AttemptBar = {
          step: d.step,
          partition: d.partition,
          attempt: d.attempt,
          startSeq: e.seq,
          startAt: e.at,
          endSeq: null,
          endAt: null,
          outcome: 'running',
          reason: d.reason ?? 'first',
        };
        bars.push(bar);
        open.set(k, bar);
      } else {
        const bar = open.get(k);
        if (!bar) return;
        open.delete(k);
        bar.endSeq = e.seq;
        bar.endAt = e.at;
        bar.outcome = e.type === 'UNIT_SUCCEEDED' ? 'succeeded' : d.final ? 'failed' : 'retry';
        if (d.error) bar.errorCode = d.error.code;
      }
      return;
    }
    if (!MARKS.has(e.type)) return;
    const d = JSON.parse(e.data) as { gate?: string; step?: string; by?: string; reason?: string };
    const subject = d.gate ?? d.step;
    markers.push({
      seq: e.seq,
      at: e.at,
      type: e.type,
      ...(subject !== undefined ? { subject } : {}),
      ...(d.by !== undefined ? { by: d.by } : {}),
      ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
    });
  };
  const pages = eventPages(store, runId, { fromSeq: Math.max(1, head - TIMELINE_MAX + 1), toSeq: head });
  for await (const page of pages) for (const e of page) add(e);
  return { bars, markers, startAt, endAt, headSeq: head };
}
