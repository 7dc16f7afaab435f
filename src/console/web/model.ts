// The browser's model of one run: units by (step, partition), updated by each log event the stream brings
// (the same rules as the store's units projection), and the coverage grid (table × date) derived from it.

import type { LogEvent, RunInfo, Unit } from './types.js';

export type CellState = 'baseline' | 'done' | 'running' | 'retrying' | 'failed' | 'excluded' | 'missing';

export const CELL_STATES: CellState[] = [
  'baseline',
  'done',
  'running',
  'retrying',
  'failed',
  'excluded',
  'missing',
];

export const unitKey = (step: string, partition: string): string => `${step}\u0000${partition}`;

/** Expand `first..last` runs of consecutive days (the baseline event's compact form). */
export function expandDates(entries: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of entries) {
    const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(e);
    if (!m) {
      out.push(e);
      continue;
    }
    const d = new Date(`${m[1]}T00:00:00Z`);
    const last = Date.parse(`${m[2]}T00:00:00Z`);
    while (d.getTime() <= last) {
      out.push(d.toISOString().slice(0, 10));
      d.setUTCDate(d.getUTCDate() + 1);
    }
  }
  return out;
}

/** Apply one event to the units map (mirrors the store's projection). Returns whether a unit changed. */
export function applyEvent(units: Map<string, Unit>, e: LogEvent): boolean {
  const d = e.data as Record<string, unknown> & { step?: string; partition?: string };
  if (e.type === 'BASELINE_RECORDED') {
    for (const s of (d.steps as { step: string; toRun: string[] }[]) ?? []) {
      for (const p of expandDates(s.toRun)) {
        const k = unitKey(s.step, p);
        if (!units.has(k))
          units.set(k, {
            step: s.step,
            partition: p,
            status: 'pending',
            attempts: 0,
            rows: null,
            jobRef: null,
            error: null,
            lastSeq: e.seq,
          });
      }
    }
    return true;
  }
  if (e.type === 'RETRY_REQUESTED') {
    const parts = d.partitions as string[] | undefined;
    const steps = new Set(((d.reopened as { step: string }[] | undefined) ?? []).map((r) => r.step));
    for (const u of units.values()) {
      if (u.status !== 'failed' || !steps.has(u.step)) continue;
      if (d.step && u.step !== d.step) continue;
      if (parts && !parts.includes(u.partition)) continue;
      u.status = 'pending';
      u.lastSeq = e.seq;
    }
    return true;
  }
  if (!d.step || !d.partition) return false;
  const k = unitKey(d.step, d.partition);
  const u: Unit = units.get(k) ?? {
    step: d.step,
    partition: d.partition,
    status: 'pending',
    attempts: 0,
    rows: null,
    jobRef: null,
    error: null,
    lastSeq: e.seq,
  };
  units.set(k, u);
  u.lastSeq = e.seq;
  if (e.type === 'UNIT_STARTED') {
    u.status = 'started';
    u.attempts = Number(d.attempt);
    u.jobRef = (d.jobRef as string | undefined) ?? u.jobRef;
    u.retryAt = undefined;
  } else if (e.type === 'UNIT_SUCCEEDED') {
    u.status = 'succeeded';
    u.error = null;
    u.rows = Number(d.rows);
    u.retryAt = undefined;
  } else if (e.type === 'UNIT_FAILED') {
    u.error = d.error as Unit['error'];
    u.status = d.final ? 'failed' : 'pending';
    u.retryAt =
      !d.final && typeof d.retryInMs === 'number'
        ? new Date(Date.parse(e.at) + d.retryInMs).toISOString()
        : undefined;
  } else return false;
  return true;
}

export function cellState(u: Unit | undefined): CellState {
  if (!u) return 'baseline';
  if (u.status === 'succeeded') return 'done';
  if (u.status === 'started') return 'running';
  if (u.status === 'failed') return 'failed';
  return u.error ? 'retrying' : 'missing';
}

export interface Grid {
  steps: { id: string; table: string }[];
  dates: string[];
  /** Row-major cell states (steps × dates). */
  cells: Uint8Array;
  counts: Record<CellState, number>;
}

/** The coverage grid: every step's table against every date any step knows of. */
export function buildGrid(
  steps: { id: string; table: string }[],
  units: Map<string, Unit>,
  calendar?: string[],
  excluded?: Set<string>,
): Grid {
  const set = new Set<string>(calendar ?? []);
  for (const u of units.values()) set.add(u.partition);
  const dates = [...set].sort();
  const cells = new Uint8Array(steps.length * dates.length);
  const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;
  steps.forEach((s, r) => {
    dates.forEach((d, c) => {
      const u = units.get(unitKey(s.id, d));
      const st: CellState = !u && excluded?.has(d) ? 'excluded' : cellState(u);
      cells[r * dates.length + c] = CELL_STATES.indexOf(st);
      counts[st]++;
    });
  });
  return { steps, dates, cells, counts };
}

/** Per-step counters from the units (done, failed, pending, total), as `status` counts them. */
export function unitCounters(units: Iterable<Unit>): Map<string, { done: number; failed: number; pending: number; total: number }> {
  const m = new Map<string, { done: number; failed: number; pending: number; total: number }>();
  for (const u of units) {
    const c = m.get(u.step) ?? { done: 0, failed: 0, pending: 0, total: 0 };
    c.total++;
    if (u.status === 'succeeded') c.done++;
    else if (u.status === 'failed') c.failed++;
    else c.pending++;
    m.set(u.step, c);
  }
  return m;
}

/** A run's info as of `seq`, folded from the events alone (the report's time travel). */
export function infoAt(base: RunInfo, events: LogEvent[], seq: number): { info: RunInfo; units: Map<string, Unit> } {
  const units = new Map<string, Unit>();
  let state: unknown = null;
  for (const e of events) {
    if (e.seq > seq) break;
    applyEvent(units, e);
    state = e.state;
  }
  const counts = unitCounters(units.values());
  const steps = base.steps.map((s) => ({ ...s, ...(counts.get(s.id) ?? { done: 0, failed: 0, pending: 0, total: 0 }) }));
  return { info: { ...base, state, steps, events: seq }, units };
}
