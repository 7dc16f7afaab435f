// Colours and glyphs for every status the console shows: the Okabe–Ito palette (safe for colour-blind
// readers), always paired with a text label or a glyph so colour is never the only signal.

import type { CellKind } from '../api-types.js';

export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
} as const;

export interface CellStyle {
  color: string;
  label: string;
  glyph: string;
}

export const CELL_STYLE: Record<CellKind, CellStyle> = {
  baseline: { color: '#9CC9E6', label: 'present before (baseline)', glyph: '▪' },
  done: { color: OKABE_ITO.green, label: 'done in this run', glyph: '✓' },
  running: { color: OKABE_ITO.blue, label: 'running', glyph: '▶' },
  retrying: { color: OKABE_ITO.orange, label: 'waiting to retry', glyph: '↻' },
  failed: { color: OKABE_ITO.vermillion, label: 'failed', glyph: '✗' },
  pending: { color: '#F3EDA0', label: 'to run', glyph: '…' },
  excluded: { color: '#D9D9D9', label: 'excluded', glyph: '–' },
  missing: { color: '#FFFFFF', label: 'missing', glyph: '○' },
  none: { color: '#F2F2F2', label: 'not expected for this table', glyph: ' ' },
};

export const CELL_ORDER: CellKind[] = [
  'baseline',
  'done',
  'running',
  'retrying',
  'failed',
  'pending',
  'excluded',
  'missing',
  'none',
];

/** Run statuses: colour and glyph (the text is the status itself). */
export const STATUS_STYLE: Record<string, { color: string; glyph: string }> = {
  created: { color: '#777777', glyph: '○' },
  running: { color: OKABE_ITO.blue, glyph: '▶' },
  paused: { color: OKABE_ITO.orange, glyph: '⏸' },
  blocked: { color: OKABE_ITO.vermillion, glyph: '⛔' },
  failed: { color: OKABE_ITO.vermillion, glyph: '✗' },
  succeeded: { color: OKABE_ITO.green, glyph: '✓' },
  cancelled: { color: '#555555', glyph: '■' },
  passed: { color: OKABE_ITO.green, glyph: '✓' },
  overridden: { color: OKABE_ITO.purple, glyph: '⚑' },
  pending: { color: '#777777', glyph: '…' },
};

export function statusStyle(s: string): { color: string; glyph: string } {
  return STATUS_STYLE[s] ?? { color: '#555555', glyph: '•' };
}
