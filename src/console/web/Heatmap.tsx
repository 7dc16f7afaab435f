// Coverage, table × date, on one canvas: every table the plan writes against every expected date, month and
// season ticks, failed dates flagged with a ✗ above the grid (shape as well as colour), hover for a cell's
// state, click to pin it (a failed or retrying cell shows its error), and zoom into a date range.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CellKind, CoverageMatrix } from '../api-types.js';
import { sizedContext } from './bits.js';
import { kindOf, monthTicks, seasonTicks } from './coverage.js';
import { CELL_ORDER, CELL_STYLE } from './palette.js';

export interface CellPick {
  step: string;
  table: string;
  date: string;
  kind: CellKind;
}

interface Props {
  matrix: CoverageMatrix;
  width: number;
  label?: string;
  onPick?: (cell: CellPick) => void;
  /** Extra text for the pinned cell (its error), filled in by the caller. */
  detail?: string;
}

const LABEL_W = 250;
const ROW_H = 18;
const TOP = 34;

export function Heatmap({ matrix, width, label = 'coverage', onPick, detail }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // The dates zoomed into, or null for all of them: the matrix grows (the calendar arrives with the baseline),
  // and an unzoomed map must keep showing every date.
  const [range, setRange] = useState<[number, number] | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number; cell: CellPick } | null>(null);
  const [pinned, setPinned] = useState<CellPick | null>(null);
  const [drag, setDrag] = useState<number | null>(null);
  const n = matrix.dates.length;
  const [lo, hi] = range ? [Math.min(range[0], n - 1), Math.min(range[1], n - 1)] : [0, n - 1];
  const cols = Math.max(1, hi - lo + 1);
  const gridW = width - LABEL_W - 8;
  const cw = gridW / cols;
  const height = TOP + matrix.rows.length * ROW_H + 4;
  const visible = useMemo(() => matrix.dates.slice(lo, hi + 1), [matrix.dates, lo, hi]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const g = sizedContext(c, width, height, '11px system-ui, sans-serif');
    if (!g) return;
    const seasons = seasonTicks(visible);
    const months = monthTicks(visible);
    g.fillStyle = '#1a1a1a';
    for (const t of seasons) {
      const x = LABEL_W + t.index * cw;
      g.fillRect(x, 0, 1, height);
      g.font = '600 11px system-ui, sans-serif';
      g.fillText(t.label, x + 3, 7);
    }
    g.font = '10px system-ui, sans-serif';
    g.fillStyle = '#555';
    let lastX = -100;
    for (const t of months) {
      const x = LABEL_W + t.index * cw;
      g.fillRect(x, 14, 1, 6);
      if (x - lastX > 24) {
        g.fillText(t.label, x + 2, 21);
        lastX = x;
      }
    }
    const failedCols = new Set<number>();
    matrix.rows.forEach((row, r) => {
      const y = TOP + r * ROW_H;
      g.fillStyle = '#1a1a1a';
      g.font = '11px system-ui, sans-serif';
      g.fillText(row.table.length > 38 ? `${row.table.slice(0, 37)}…` : row.table, 4, y + ROW_H / 2);
      for (let i = lo; i <= hi; i++) {
        const kind = kindOf(row.cells[i]);
        if (kind === 'failed') failedCols.add(i);
        g.fillStyle = CELL_STYLE[kind].color;
        const x = LABEL_W + (i - lo) * cw;
        g.fillRect(x, y + 1, Math.max(cw, 0.75) + 0.25, ROW_H - 2);
      }
      g.strokeStyle = '#bbb';
      g.strokeRect(LABEL_W - 0.5, y + 0.5, gridW, ROW_H - 1);
    });
    g.fillStyle = CELL_STYLE.failed.color;
    g.font = '9px system-ui, sans-serif';
    for (const i of failedCols) g.fillText('✗', LABEL_W + (i - lo) * cw + cw / 2 - 3, TOP - 6);
    performance.mark('phased:heatmap-drawn');
    if (pinned) {
      const r = matrix.rows.findIndex((x) => x.step === pinned.step);
      const i = matrix.dates.indexOf(pinned.date);
      if (r >= 0 && i >= lo && i <= hi) {
        g.strokeStyle = '#000';
        g.lineWidth = 2;
        g.strokeRect(LABEL_W + (i - lo) * cw - 1, TOP + r * ROW_H, Math.max(cw, 2) + 2, ROW_H);
        g.lineWidth = 1;
      }
    }
  }, [matrix, matrix.seq, width, height, lo, hi, cw, gridW, visible, pinned]);

  const cellAt = (ev: MouseEvent): { cell: CellPick; index: number } | null => {
    const rect = (ev.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const x = ev.clientX - rect.left - LABEL_W;
    const y = ev.clientY - rect.top - TOP;
    if (x < 0 || y < 0) return null;
    const r = Math.floor(y / ROW_H);
    const i = lo + Math.floor(x / cw);
    const row = matrix.rows[r];
    if (!row || i > hi) return null;
    return {
      cell: { step: row.step, table: row.table, date: matrix.dates[i], kind: kindOf(row.cells[i]) },
      index: i,
    };
  };
  const pick = (c: CellPick) => {
    setPinned(c);
    onPick?.(c);
  };
  const totals = Object.fromEntries(CELL_ORDER.map((k) => [k, 0])) as Record<CellKind, number>;
  for (const r of matrix.rows) for (const k of CELL_ORDER) totals[k] += r.counts[k] ?? 0;
  const cells = matrix.rows.length * n;

  return (
    <div
      data-testid="heatmap"
      data-label={label}
      data-rows={matrix.rows.length}
      data-dates={n}
      data-cells={cells}
    >
      <div class="legend">
        {CELL_ORDER.filter((k) => k !== 'none' || totals.none > 0).map((k) => (
          <span key={k} data-kind={k} data-count={totals[k]}>
            <span class="sw" style={{ background: CELL_STYLE[k].color }} />
            {CELL_STYLE[k].glyph} {CELL_STYLE[k].label}: <b>{totals[k]}</b>
          </span>
        ))}
      </div>
      <canvas
        ref={canvas}
        style={{ width: `${width}px`, height: `${height}px` }}
        data-geometry={JSON.stringify({ left: LABEL_W, top: TOP, rowH: ROW_H, cellW: cw, first: lo })}
        data-steps={matrix.rows.map((r) => r.step).join(' ')}
        role="img"
        aria-label={`${label}: ${matrix.rows.length} tables × ${n} dates; ${CELL_ORDER.map((k) => `${totals[k]} ${CELL_STYLE[k].label}`).join(', ')}`}
        onMouseMove={(ev) => {
          const hit = cellAt(ev);
          setHover(hit ? { x: ev.clientX, y: ev.clientY, cell: hit.cell } : null);
        }}
        onMouseLeave={() => setHover(null)}
        onMouseDown={(ev) => setDrag(cellAt(ev)?.index ?? null)}
        onMouseUp={(ev) => {
          const hit = cellAt(ev);
          if (drag !== null && hit && Math.abs(hit.index - drag) >= 3)
            setRange([Math.min(drag, hit.index), Math.max(drag, hit.index)]);
          else if (hit) pick(hit.cell);
          setDrag(null);
        }}
      />
      {hover && (
        <div class="tooltip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 12}px` }}>
          {hover.cell.table} · {hover.cell.date} · {CELL_STYLE[hover.cell.kind].glyph}{' '}
          {CELL_STYLE[hover.cell.kind].label}
          {hover.cell.kind === 'failed' || hover.cell.kind === 'retrying' ? ' (click for the error)' : ''}
        </div>
      )}
      <div class="controls" style={{ marginTop: '6px' }}>
        <label>
          from
          <select
            aria-label={`${label}: first date shown`}
            value={lo}
            onChange={(e) => setRange([Number(e.currentTarget.value), hi])}
          >
            {matrix.dates.map((d, i) => (
              <option key={d} value={i}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label>
          to
          <select
            aria-label={`${label}: last date shown`}
            value={hi}
            onChange={(e) => setRange([lo, Number(e.currentTarget.value)])}
          >
            {matrix.dates.map((d, i) => (
              <option key={d} value={i}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setRange(null)} disabled={range === null}>
          Show all dates
        </button>
        <span class="muted">drag across the grid to zoom; click a cell for its detail</span>
      </div>
      {pinned && (
        <div class={`detail ${pinned.kind}`} data-testid="cell-detail" role="status">
          <b>{pinned.table}</b> ({pinned.step}) · {pinned.date} · {CELL_STYLE[pinned.kind].glyph}{' '}
          {CELL_STYLE[pinned.kind].label}
          {detail ? <div data-testid="cell-error">{detail}</div> : null}
        </div>
      )}
      {!matrix.datesComplete && <p class="muted">dates inferred from the units this run scheduled</p>}
    </div>
  );
}
