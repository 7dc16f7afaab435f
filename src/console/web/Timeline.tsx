// The unit timeline: a Gantt row per step on one canvas, each attempt a bar from its start to its result
// (lanes show concurrency, gaps show stalls, orange bars are attempts that will be retried), and markers for
// gate decisions (◆), human actions (▲) and drivers attaching or leaving (●). Long stretches with no activity
// (an interrupted run waiting to be resumed) are cut to a labelled break (time-axis.ts).

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AttemptBar, TimelineMarker, TimelineResponse } from '../api-types.js';
import { duration, sizedContext } from './bits.js';
import { OKABE_ITO } from './palette.js';
import { BREAK_W, idleStretches, timeAxis } from './time-axis.js';

const LABEL_W = 250;
const ROW_H = 30;
const TOP = 40;

const OUTCOME: Record<AttemptBar['outcome'], string> = {
  succeeded: OKABE_ITO.green,
  running: OKABE_ITO.blue,
  retry: OKABE_ITO.orange,
  failed: OKABE_ITO.vermillion,
};

function markerGlyph(m: TimelineMarker): { glyph: string; color: string } {
  if (m.type.startsWith('GATE_'))
    return { glyph: '◆', color: m.type === 'GATE_FAILED' ? OKABE_ITO.vermillion : OKABE_ITO.green };
  if (m.type.startsWith('DRIVER_')) return { glyph: '●', color: '#555' };
  if (m.type.startsWith('RUN_')) return { glyph: '■', color: '#000' };
  return { glyph: '▲', color: OKABE_ITO.purple };
}

interface Props {
  data: TimelineResponse;
  steps: string[];
  width: number;
  now: number;
}

export function Timeline({ data, steps, width, now }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  const t0 = data.startAt ? Date.parse(data.startAt) : now;
  const t1 = Math.max(t0 + 1000, data.endAt ? Date.parse(data.endAt) : now);
  const plotW = width - LABEL_W - 10;
  // Worked out again when the data or the clock moves, not on every hover.
  const axis = useMemo(() => {
    const active = [
      ...data.bars.map((b) => ({ from: Date.parse(b.startAt), to: b.endAt ? Date.parse(b.endAt) : now })),
      ...data.markers.map((m) => ({ from: Date.parse(m.at), to: Date.parse(m.at) })),
    ];
    return timeAxis(t0, t1, plotW, idleStretches(t0, t1, active));
  }, [data, now, t0, t1, plotW]);
  const xOf = (t: number) => LABEL_W + axis.x(t);
  const inBreak = (px: number) => axis.breaks.find((b) => px >= b.x && px <= b.x + BREAK_W);
  const height = TOP + steps.length * ROW_H + 8;

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const g = sizedContext(c, width, height, '10px system-ui, sans-serif');
    if (!g) return;
    g.fillStyle = '#555';
    for (let k = 0; k <= 8; k++) {
      const px = (plotW * k) / 8;
      // Not in a break, nor where its label would run into the break's.
      if (axis.breaks.some((b) => Math.abs(px - (b.x + BREAK_W / 2)) < 60)) continue;
      const x = LABEL_W + px;
      g.fillRect(x, TOP - 4, 1, height - TOP);
      const label = new Date(axis.t(px)).toISOString().slice(11, 19);
      g.fillText(label, Math.min(x + 2, width - 50), TOP - 10);
    }
    // Lanes: each bar takes the first lane free at its start, per step.
    const rowOf = new Map(steps.map((s, i) => [s, i]));
    const lanesEnd: number[][] = steps.map(() => []);
    const placed: { bar: AttemptBar; lane: number }[] = [];
    for (const bar of data.bars) {
      const r = rowOf.get(bar.step);
      if (r === undefined) continue;
      const s = Date.parse(bar.startAt);
      const e = bar.endAt ? Date.parse(bar.endAt) : now;
      const ends = lanesEnd[r];
      let lane = ends.findIndex((end) => end <= s);
      if (lane < 0) lane = ends.length;
      ends[lane] = e;
      placed.push({ bar, lane });
    }
    steps.forEach((s, r) => {
      const y = TOP + r * ROW_H;
      g.fillStyle = r % 2 ? '#fafafa' : '#f1f1f1';
      g.fillRect(LABEL_W, y, plotW, ROW_H);
      g.fillStyle = '#1a1a1a';
      g.font = '11px system-ui, sans-serif';
      g.fillText(`${s} (×${lanesEnd[r].length})`, 4, y + ROW_H / 2);
    });
    for (const { bar, lane } of placed) {
      const r = rowOf.get(bar.step) ?? 0;
      const lanes = Math.max(1, lanesEnd[r].length);
      const h = Math.max(1, (ROW_H - 4) / lanes);
      const x = xOf(Date.parse(bar.startAt));
      const x2 = xOf(bar.endAt ? Date.parse(bar.endAt) : now);
      g.fillStyle = OUTCOME[bar.outcome];
      g.fillRect(x, TOP + r * ROW_H + 2 + lane * h, Math.max(1, x2 - x), Math.max(0.8, h - 0.3));
    }
    // Breaks: the cut stretch's band left blank between two slanted lines, its length above it.
    for (const b of axis.breaks) {
      const x = LABEL_W + b.x;
      g.fillStyle = '#fff';
      g.fillRect(x + 1, TOP - 4, BREAK_W - 2, height - TOP);
      g.strokeStyle = '#888';
      for (const dx of [4, BREAK_W - 8]) {
        g.beginPath();
        g.moveTo(x + dx, height - 4);
        g.lineTo(x + dx + 4, TOP - 4);
        g.stroke();
      }
      g.fillStyle = '#555';
      g.font = '10px system-ui, sans-serif';
      const label = duration(b.to - b.from);
      g.fillText(label, x + BREAK_W / 2 - g.measureText(label).width / 2, TOP - 10);
    }
    g.font = '12px system-ui, sans-serif';
    for (const m of data.markers) {
      const x = xOf(Date.parse(m.at));
      const { glyph, color } = markerGlyph(m);
      g.fillStyle = color;
      g.fillRect(x, TOP - 4, 1, height - TOP);
      g.fillText(glyph, x - 4, TOP - 22);
    }
  }, [data, steps, width, height, now, t0, t1, axis]);

  const onMove = (ev: MouseEvent) => {
    const rect = (ev.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const x = ev.clientX - rect.left;
    const y = ev.clientY - rect.top;
    if (y < TOP - 4) {
      const m = data.markers.find((k) => Math.abs(xOf(Date.parse(k.at)) - x) < 5);
      setHover(
        m
          ? {
              x: ev.clientX,
              y: ev.clientY,
              text: `${m.type}${m.subject ? ` ${m.subject}` : ''}${m.by ? ` by ${m.by}` : ''}${m.reason ? `: ${m.reason}` : ''} (seq ${m.seq}, ${m.at})`,
            }
          : null,
      );
      return;
    }
    const cut = inBreak(x - LABEL_W);
    if (cut) {
      const span = `${new Date(cut.from).toISOString().slice(11, 19)}–${new Date(cut.to).toISOString().slice(11, 19)}`;
      setHover({
        x: ev.clientX,
        y: ev.clientY,
        text: `no activity for ${duration(cut.to - cut.from)} (${span}); cut short`,
      });
      return;
    }
    const step = steps[Math.floor((y - TOP) / ROW_H)];
    const t = axis.t(x - LABEL_W);
    const bar = data.bars.find(
      (b) => b.step === step && Date.parse(b.startAt) <= t && (b.endAt ? Date.parse(b.endAt) : now) >= t,
    );
    setHover(
      bar
        ? {
            x: ev.clientX,
            y: ev.clientY,
            text: `${bar.step} ${bar.partition} attempt ${bar.attempt}: ${bar.outcome}${bar.errorCode ? ` (${bar.errorCode})` : ''}, ${bar.startAt.slice(11, 19)}–${bar.endAt?.slice(11, 19) ?? 'now'}`,
          }
        : null,
    );
  };

  return (
    <div
      data-testid="timeline"
      data-bars={data.bars.length}
      data-markers={data.markers.length}
      data-breaks={axis.breaks.map((b) => b.to - b.from).join(' ')}
    >
      <div class="legend">
        <span>
          <span class="sw" style={{ background: OUTCOME.succeeded }} />
          succeeded
        </span>
        <span>
          <span class="sw" style={{ background: OUTCOME.running }} />
          running
        </span>
        <span>
          <span class="sw" style={{ background: OUTCOME.retry }} />
          failed, retried
        </span>
        <span>
          <span class="sw" style={{ background: OUTCOME.failed }} />
          failed
        </span>
        <span>◆ gate decision</span>
        <span>▲ human action</span>
        <span>● driver attached / left</span>
        <span>■ run ended</span>
        {axis.breaks.length > 0 && <span>{'// no activity, cut short (its length above)'}</span>}
      </div>
      <canvas
        ref={canvas}
        style={{ width: `${width}px`, height: `${height}px` }}
        role="img"
        aria-label={`unit timeline: ${data.bars.length} attempts over ${steps.length} steps, ${data.markers.length} markers`}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      />
      {hover && (
        <div class="tooltip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 12}px` }}>
          {hover.text}
        </div>
      )}
      <table class="grid" aria-label="timeline markers">
        <thead>
          <tr>
            <th>seq</th>
            <th>time</th>
            <th>marker</th>
            <th>subject</th>
            <th>by</th>
            <th>reason</th>
          </tr>
        </thead>
        <tbody>
          {data.markers.map((m) => (
            <tr key={m.seq}>
              <td class="num">{m.seq}</td>
              <td>{m.at}</td>
              <td>
                {markerGlyph(m).glyph} {m.type}
              </td>
              <td>{m.subject ?? ''}</td>
              <td>{m.by ?? ''}</td>
              <td>{m.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
