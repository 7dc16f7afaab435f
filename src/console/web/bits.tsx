// Small shared pieces of the console: a status badge (glyph + text + colour), number and time formats.

import { statusStyle } from './palette.js';

export function Status({ value }: { value: string }) {
  const s = statusStyle(value);
  return (
    <span class="status" style={{ color: s.color }} data-status={value}>
      <span aria-hidden="true">{s.glyph}</span>
      {value}
    </span>
  );
}

export function pct(r: number | null | undefined): string {
  return r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Bytes in binary units with the exact count, as the CLI prints them: `1.5 GiB (1610612736 bytes)`. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${n < 0 ? '-' : ''}${v.toFixed(1)} ${units[i]} (${n} bytes)`;
}

/** Seconds left as a duration, `–` while unknown. */
export function etaText(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '–' : duration(seconds * 1000);
}

export function time(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').slice(0, 19) : '–';
}

/** A canvas sized for the screen's pixel ratio and cleared, drawing in CSS pixels; null without a 2-D context. */
export function sizedContext(
  c: HTMLCanvasElement,
  width: number,
  height: number,
  font: string,
): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  c.width = Math.round(width * dpr);
  c.height = Math.round(height * dpr);
  const g = c.getContext('2d');
  if (!g) return null;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = font;
  g.textBaseline = 'middle';
  return g;
}
