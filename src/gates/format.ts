// Renders a gate report as a readable table for `phased status`, `validate` and the demo's summary.
// Text only: no colours, no I/O.

import { type GateReport, isMeasured } from '../../machines/index.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function formatGateReport(report: GateReport): string {
  const verdict = report.error ? 'ERROR' : report.ok ? 'PASSED' : 'BLOCKED';
  const lines = [`gate ${report.gate}: ${verdict} (min coverage ${pct(report.minCoverage)})`];
  const rows = report.tables.map((t) =>
    !isMeasured(t)
      ? [
          `✗ ${t.table}`,
          t.expected === undefined ? '-' : String(t.expected),
          '-',
          'error',
          '-',
          '-',
          t.error ?? '',
        ]
      : [
          `${t.ok ? ' ' : '✗'} ${t.table}`,
          String(t.expected),
          String(t.present),
          pct(t.coverage),
          String(t.missing),
          String(t.short),
          t.missingSample.join(' ') + (t.missing > t.missingSample.length ? ' …' : ''),
        ],
  );
  lines.push(
    ...table(['  table', 'expected', 'present', 'coverage', 'missing', 'short', 'first missing'], rows),
  );
  for (const n of report.notNull) {
    if (n.ok) continue;
    const where = n.where ? ` where ${n.where}` : '';
    lines.push(
      n.error !== undefined
        ? `✗ notNull ${n.table}.${n.column}${where}: error: ${n.error}`
        : n.rows === 0
          ? `✗ notNull ${n.table}.${n.column}${where}: no rows to measure`
          : `✗ notNull ${n.table}.${n.column}${where}: ${pct(n.rate)} NULL (${n.nulls} of ${n.rows}), max ${pct(n.maxRate)}`,
    );
  }
  for (const c of report.checks) {
    if (c.ok) continue;
    lines.push(`✗ check ${c.name}: ${c.error ? `error: ${c.error}` : (c.detail ?? 'not ok')}`);
  }
  if (report.error) lines.push(`error: ${report.error}`);
  return lines.join('\n');
}
