// The closing summary of a run: before → after per step, gate verdicts, wall time, where the log is.
// Reads the log and the snapshot; prints nothing itself.

import type { ResolvedPlan, RunSnapshot, StepBaseline } from '../../machines/index.js';
import { isMeasured, runStatus } from '../../machines/index.js';
import type { EventStore } from '../../store/index.js';
import { formatGateReport } from '../gates/index.js';
import { commandHint } from './command-hint.js';
import { failuresOf, formatFailures } from './failures.js';
import { eventPages } from './pages.js';

/** What the summary reads of a run's log (a driver's RunLog is one). */
export interface SummaryLog {
  readonly store: EventStore;
  readonly runId: string;
  readonly plan: ResolvedPlan;
  readonly snapshot: RunSnapshot;
}

/**
 * The run's baseline. A run records it once, near the start (a failed baseline logs RUN_FAILED instead), so
 * the scan stops at the first one rather than reading a long log to its end.
 */
export async function baselineOf(log: SummaryLog): Promise<StepBaseline[] | undefined> {
  for await (const page of eventPages(log.store, log.runId)) {
    for (const e of page) {
      if (e.type === 'BASELINE_RECORDED') return (JSON.parse(e.data) as { steps: StepBaseline[] }).steps;
    }
  }
  return undefined;
}

const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

export async function formatRunSummary(
  log: SummaryLog,
  o: { wallMs?: number; logPath?: string; db?: string; dbArgs?: string[] } = {},
): Promise<string> {
  const snap = log.snapshot;
  const ctx = snap.context;
  const base = new Map(((await baselineOf(log)) ?? []).map((b) => [b.step, b]));
  const coverage = new Map<string, { present: number; expected: number } | 'error'>();
  for (const g of Object.values(ctx.gates)) {
    for (const t of g.report?.tables ?? [])
      coverage.set(t.step, isMeasured(t) ? { present: t.present, expected: t.expected } : 'error');
  }
  const lines = [`run ${log.runId} (${log.plan.name}): ${runStatus(snap)}`];
  lines.push(
    `  ${'step'.padEnd(34)} ${'before: of all'.padStart(16)}   ${'after: of expected'.padStart(18)}   partitions done/failed/total`,
  );
  for (const [id, c] of Object.entries(ctx.steps)) {
    const b = base.get(id);
    const a = coverage.get(id);
    const before = b ? `${b.present}/${b.expected} ${pct(b.present, b.expected)}` : '-';
    const after =
      a === 'error'
        ? 'gate query error'
        : a
          ? `${a.present}/${a.expected} ${pct(a.present, a.expected)}`
          : '-';
    lines.push(
      `  ${id.padEnd(34)} ${before.padStart(16)} → ${after.padStart(18)}   ${c.done}/${c.failed}/${c.total}`,
    );
  }
  for (const [id, g] of Object.entries(ctx.gates)) {
    lines.push(`gate ${id}: ${g.status}${g.reason ? ` (${g.reason})` : ''}`);
    if (g.report && g.status === 'failed') lines.push(formatGateReport(g.report).replace(/^/gm, '  '));
  }
  lines.push(
    '  (before: partitions present of every date in the range; after: of the dates the gate expects, exclusions removed)',
  );
  if (ctx.failure) lines.push(`failure: ${ctx.failure}`);
  const status = runStatus(snap);
  const db = o.dbArgs ?? [];
  const retry =
    status === 'failed' || status === 'blocked' ? commandHint('retry', log.runId, ...db) : undefined;
  lines.push(...formatFailures(await failuresOf(log.store, log.runId, ctx.steps), retry));
  if (o.wallMs !== undefined) lines.push(`wall time ${(o.wallMs / 1000).toFixed(1)} s`);
  if (o.logPath) lines.push(`log: ${o.logPath}`);
  if (o.db) lines.push(`events: ${o.db} (${commandHint('replay', log.runId, ...db)})`);
  return lines.join('\n');
}
