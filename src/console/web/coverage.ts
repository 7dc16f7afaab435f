// Coverage grid logic in the browser: applying a streamed unit event to the matrix (so the heatmap moves with
// increments instead of refetching), month and season ticks for the date axis, and active-state ids.

import { CELL, type CellKind, type CoverageMatrix, type EventEntry } from '../api-types.js';

const KIND_OF = Object.fromEntries(Object.entries(CELL).map(([k, c]) => [c, k])) as Record<string, CellKind>;

export function kindOf(code: string): CellKind {
  return KIND_OF[code] ?? 'none';
}

export function cloneMatrix(m: CoverageMatrix): CoverageMatrix {
  return { ...m, rows: m.rows.map((r) => ({ ...r, counts: { ...r.counts } })) };
}

/**
 * Apply one unit event to the matrix in place. Returns false when the event needs a fresh matrix from the
 * server (a retry re-opens units the page cannot enumerate) or touches no known cell.
 */
export function applyToMatrix(m: CoverageMatrix, e: EventEntry, dateIndex: Map<string, number>): boolean {
  const d = e.data as { step?: string; partition?: string; final?: boolean };
  let kind: CellKind;
  if (e.type === 'UNIT_STARTED') kind = 'running';
  else if (e.type === 'UNIT_SUCCEEDED') kind = 'done';
  else if (e.type === 'UNIT_FAILED') kind = d.final ? 'failed' : 'retrying';
  else return false;
  const row = m.rows.find((r) => r.step === d.step);
  const col = d.partition === undefined ? undefined : dateIndex.get(d.partition);
  if (!row || col === undefined) return false;
  const old = kindOf(row.cells[col]);
  row.cells = row.cells.slice(0, col) + CELL[kind] + row.cells.slice(col + 1);
  row.counts[old]--;
  row.counts[kind]++;
  m.seq = Math.max(m.seq, e.seq);
  return true;
}

export interface Tick {
  index: number;
  label: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The first date of each month present among `dates`. */
export function monthTicks(dates: string[]): Tick[] {
  const out: Tick[] = [];
  let last = '';
  dates.forEach((d, i) => {
    const ym = d.slice(0, 7);
    if (ym !== last) out.push({ index: i, label: MONTHS[Number(d.slice(5, 7)) - 1] });
    last = ym;
  });
  return out;
}

/**
 * Season starts: the first date, and each date after a gap of more than 45 days (an off-season), labelled
 * like `2021-22` when the season crosses a year end.
 */
export function seasonTicks(dates: string[]): Tick[] {
  const out: Tick[] = [];
  let prev = Number.NaN;
  dates.forEach((d, i) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    if (i === 0 || t - prev > 45 * 86_400_000) {
      const y = Number(d.slice(0, 4));
      const m = Number(d.slice(5, 7));
      out.push({ index: i, label: m >= 7 ? `${y}-${String((y + 1) % 100).padStart(2, '0')}` : String(y) });
    }
    prev = t;
  });
  return out;
}

/** The ids of active states (dotted paths, root first) for an xstate state value. */
export function activeIds(root: string, value: unknown): string[] {
  const out = [root];
  const walk = (prefix: string, v: unknown): void => {
    if (typeof v === 'string') {
      out.push(`${prefix}.${v}`);
      return;
    }
    if (!v || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      out.push(`${prefix}.${k}`);
      walk(`${prefix}.${k}`, child);
    }
  };
  walk(root, value);
  return out;
}
