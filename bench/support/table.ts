// The readable side of the bench output: a Markdown table of results and the machine they ran on,
// printed after the JSON lines and optionally written between markers into a README.

import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Result } from './measure.js';

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

export function machineLine(): string {
  const cpu = cpus();
  const mem = Math.round(totalmem() / 2 ** 30);
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${mem} GiB RAM, ${process.platform} ${process.arch}, Node ${process.version}`;
}

function fmt(x: number | undefined): string {
  if (x === undefined) return '';
  if (!Number.isFinite(x)) return 'n/a';
  return Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : String(x);
}

export function markdownTable(results: Result[], meta: { quick: boolean; startLoad: number[] }): string {
  const end = loadavg().map((l) => l.toFixed(2));
  const lines = [
    `Machine: ${machineLine()}.`,
    `Mode: ${meta.quick ? 'quick' : 'full'}; load average at start ${meta.startLoad.map((l) => l.toFixed(2)).join(' ')}, at end ${end.join(' ')}.`,
    '',
    '| scenario | median | unit | min | max | runs | target | ok | note |',
    '|---|---:|---|---:|---:|---:|---|---|---|',
  ];
  for (const r of results) {
    const ok = r.ok === undefined ? '' : r.ok ? 'yes' : '**no**';
    lines.push(
      `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${fmt(r.min)} | ${fmt(r.max)} | ${r.runs ?? ''} | ${r.target ?? ''} | ${ok} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

/** Replaces the text between the bench markers in `file` (the rest of the file is left as written). */
export function writeIntoReadme(file: string, table: string): void {
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} has no ${START} … ${END} markers to write the table between`);
  writeFileSync(file, `${text.slice(0, a + START.length)}\n${table}\n${text.slice(b)}`);
}
