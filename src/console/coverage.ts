// The coverage matrix: every table the plan writes × every expected date, one character per cell (CELL codes).
// At the head it reads the units projection; as of an earlier seq it folds the log's unit events up to that seq.

import { eventFromRow, expandPartitions, locateStep, type ResolvedPlan } from '../../machines/index.js';
import type { EventStore, StoredEvent, UnitRow } from '../../store/index.js';
import { eventPages } from '../observe/pages.js';
import { CELL, type CellCode, type CellKind, type CoverageMatrix, type CoverageRow } from './api-types.js';
import type { Baseline } from './live-run.js';

const KIND_OF = Object.fromEntries(Object.entries(CELL).map(([k, v]) => [v, k])) as Record<
  CellCode,
  CellKind
>;

function unitCell(status: string, hasError: boolean): CellCode {
  switch (status) {
    case 'succeeded':
      return CELL.done;
    case 'started':
      return CELL.running;
    case 'failed':
      return CELL.failed;
    default:
      return hasError ? CELL.retrying : CELL.pending;
  }
}

/** Dates the matrix spans: the logged calendar, or (older logs) every partition some step scheduled. */
function datesOf(
  baseline: Baseline | null,
  cells: Map<string, Map<string, CellCode>>,
): { dates: string[]; complete: boolean } {
  if (baseline?.dates) return { dates: [...expandPartitions(baseline.dates)].sort(), complete: true };
  const all = new Set<string>();
  for (const s of baseline?.steps.values() ?? []) for (const p of expandPartitions(s.toRun)) all.add(p);
  for (const m of cells.values()) for (const p of m.keys()) all.add(p);
  // Without scheduled units every expected date was present at the baseline; the range is then all we know.
  return { dates: [...all].sort(), complete: false };
}

/** Excluded dates per gate, when its latest report lists them. */
function excludedByPhase(
  plan: ResolvedPlan,
  gates: Record<string, { report?: unknown }>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of plan.phases) {
    const ex = (gates[p.gate.id]?.report as { excluded?: string[] } | undefined)?.excluded;
    if (ex) out.set(p.id, new Set(expandPartitions(ex)));
  }
  return out;
}

function matrix(
  plan: ResolvedPlan,
  baseline: Baseline | null,
  cells: Map<string, Map<string, CellCode>>,
  gates: Record<string, { report?: unknown }>,
  seq: number,
): CoverageMatrix {
  const { dates, complete } = datesOf(baseline, cells);
  const excluded = excludedByPhase(plan, gates);
  const rows: CoverageRow[] = [];
  for (const phase of plan.phases) {
    for (const g of phase.groups) {
      for (const s of g.steps) {
        const mine = cells.get(s.id) ?? new Map<string, CellCode>();
        const ex = excluded.get(phase.id);
        const counts = Object.fromEntries(Object.keys(CELL).map((k) => [k, 0])) as Record<CellKind, number>;
        let text = '';
        for (const d of dates) {
          let c: CellCode = mine.get(d) ?? (baseline ? CELL.baseline : CELL.missing);
          if (ex?.has(d) && (c === CELL.pending || c === CELL.missing)) c = CELL.excluded;
          counts[KIND_OF[c]]++;
          text += c;
        }
        rows.push({
          step: s.id,
          table: s.table,
          phase: locateStep(plan, s.id)?.phase.id ?? phase.id,
          cells: text,
          counts,
        });
      }
    }
  }
  return { dates, datesComplete: complete, rows, seq };
}

/** The matrix at the head, from the units projection. */
export function coverageAtHead(
  plan: ResolvedPlan,
  baseline: Baseline | null,
  units: UnitRow[],
  gates: Record<string, { report?: unknown }>,
  seq: number,
): CoverageMatrix {
  const cells = new Map<string, Map<string, CellCode>>();
  for (const u of units) {
    let m = cells.get(u.step);
    if (!m) {
      m = new Map();
      cells.set(u.step, m);
    }
    m.set(u.partition, unitCell(u.status, u.error !== null));
  }
  return matrix(plan, baseline, cells, gates, seq);
}

/** The matrix as of `seq`, folded from the log (time travel). */
export async function coverageAtSeq(
  store: EventStore,
  runId: string,
  plan: ResolvedPlan,
  seq: number,
  gates: Record<string, { report?: unknown }>,
): Promise<CoverageMatrix> {
  const cells = new Map<string, Map<string, CellCode>>();
  const cell = (step: string) => {
    let m = cells.get(step);
    if (!m) {
      m = new Map();
      cells.set(step, m);
    }
    return m;
  };
  let baseline: Baseline | null = null;
  const fold = (e: StoredEvent): void => {
    if (!/^(BASELINE_RECORDED|UNIT_|RETRY_REQUESTED)/.test(e.type)) return;
    const ev = eventFromRow(e.type, e.data);
    switch (ev.type) {
      case 'BASELINE_RECORDED': {
        const steps = new Map();
        for (const s of ev.steps) {
          steps.set(s.step, { ...s, toRunCount: 0 });
          for (const p of expandPartitions(s.toRun)) cell(s.step).set(p, CELL.pending);
        }
        const dates = (ev as { dates?: string[] }).dates;
        baseline = { steps, ...(dates ? { dates } : {}) };
        break;
      }
      case 'UNIT_STARTED':
        cell(ev.step).set(ev.partition, CELL.running);
        break;
      case 'UNIT_SUCCEEDED':
        cell(ev.step).set(ev.partition, CELL.done);
        break;
      case 'UNIT_FAILED':
        cell(ev.step).set(ev.partition, ev.final ? CELL.failed : CELL.retrying);
        break;
      case 'RETRY_REQUESTED': {
        const only = ev.partitions ? new Set(ev.partitions) : undefined;
        for (const r of ev.reopened) {
          if (ev.step !== undefined && r.step !== ev.step) continue;
          for (const [p, c] of cell(r.step)) {
            if (c === CELL.failed && (!only || only.has(p))) cell(r.step).set(p, CELL.retrying);
          }
        }
        break;
      }
    }
  };
  for await (const page of eventPages(store, runId, { toSeq: seq })) {
    for (const e of page) fold(e);
  }
  return matrix(plan, baseline, cells, gates, seq);
}
