// The report's data source: everything comes from the JSON embedded in the page, so it opens from file://
// with no network. Time travel is folded in the page from the embedded events (the state recorded with each
// event, and unit events applied to the coverage as of the baseline).

import {
  type AtSeqView,
  CELL,
  type CellKind,
  type CoverageMatrix,
  type EventEntry,
  type RunStatus,
} from '../api-types.js';
import type { ReportData } from '../report-data.js';
import { activeIds, applyToMatrix, cloneMatrix } from './coverage.js';
import type { ActResult, DataSource, EventQuery, Subscription } from './source.js';

function statusOf(state: unknown, blocked: boolean): RunStatus {
  const top = typeof state === 'string' ? state : Object.keys((state as object) ?? {})[0];
  if (top === 'active') return blocked ? 'blocked' : 'running';
  if (top === 'paused' || top === 'failed' || top === 'succeeded' || top === 'cancelled') return top;
  return 'created';
}

function emptyMatrix(like: CoverageMatrix): CoverageMatrix {
  const counts = Object.fromEntries(Object.keys(CELL).map((k) => [k, 0])) as Record<CellKind, number>;
  return {
    ...like,
    seq: 0,
    rows: like.rows.map((r) => ({
      ...r,
      cells: CELL.none.repeat(like.dates.length),
      counts: { ...counts, none: like.dates.length },
    })),
  };
}

export class EmbeddedSource implements DataSource {
  readonly live = false;
  constructor(private readonly d: ReportData) {}
  async runs() {
    return [this.d.list];
  }
  async run() {
    return this.d.run;
  }
  async machine() {
    return this.d.machine;
  }
  async coverage() {
    return this.d.coverage;
  }
  async coverageBefore() {
    return this.d.coverageBefore;
  }
  async timeline() {
    return this.d.timeline;
  }
  async estimate() {
    return this.d.estimate;
  }
  async events(_id: string, q: EventQuery) {
    const types = q.type ? new Set(q.type.split(',')) : null;
    const all = this.d.events.filter(
      (e) =>
        e.seq >= (q.from ?? 1) &&
        (q.to === undefined || e.seq <= q.to) &&
        (!types || types.has(e.type)) &&
        (!q.step || e.data.step === q.step) &&
        (!q.partition || e.data.partition === q.partition),
    );
    const limit = q.limit ?? 500;
    const page = all.slice(0, limit);
    const last = this.d.events.at(-1)?.seq ?? 0;
    return {
      events: page,
      headSeq: last,
      nextFrom: all.length > limit ? page[page.length - 1].seq + 1 : null,
    };
  }
  async units(_id: string, q: { step?: string; partition?: string }) {
    const units = this.d.failedUnits.filter(
      (u) => (!q.step || u.step === q.step) && (!q.partition || u.partition === q.partition),
    );
    return { total: units.length, units };
  }
  async at(_id: string, seq: number): Promise<AtSeqView> {
    const events: EventEntry[] = this.d.events.filter((e) => e.seq <= seq);
    const last = events.at(-1);
    if (!last) throw new Error(`seq ${seq}: the run has events 1…${this.d.events.length}`);
    const before = this.d.coverageBefore;
    const coverage = before && before.seq <= seq ? cloneMatrix(before) : emptyMatrix(this.d.coverage);
    const index = new Map(coverage.dates.map((d, i) => [d, i]));
    const steps = new Map(
      this.d.run.steps.map((s) => [s.id, { ...s, total: 0, done: 0, failed: 0, pending: 0 }]),
    );
    const gates = new Map<
      string,
      { id: string; phase: string; status: 'pending' | 'passed' | 'failed' | 'overridden' }
    >(this.d.run.gates.map((g) => [g.id, { id: g.id, phase: g.phase, status: 'pending' }]));
    for (const e of events) {
      if (before && e.seq > before.seq) applyToMatrix(coverage, e, index);
      const d = e.data as {
        step?: string;
        final?: boolean;
        gate?: string;
        steps?: { step: string; toRun: string[] }[];
      };
      const s = d.step ? steps.get(d.step) : undefined;
      if (e.type === 'UNIT_SUCCEEDED' && s) {
        s.done++;
        s.pending--;
      } else if (e.type === 'UNIT_FAILED' && s && d.final) {
        s.failed++;
        s.pending--;
      } else if (e.type === 'GATE_PASSED' || e.type === 'GATE_FAILED' || e.type === 'GATE_OVERRIDDEN') {
        const g = d.gate ? gates.get(d.gate) : undefined;
        if (g)
          g.status = e.type === 'GATE_PASSED' ? 'passed' : e.type === 'GATE_FAILED' ? 'failed' : 'overridden';
      }
      if (e.type === 'BASELINE_RECORDED' || e.type === 'RETRY_REQUESTED') {
        const rows = before && e.seq >= before.seq ? coverage.rows : [];
        for (const r of rows) {
          const st = steps.get(r.step);
          if (!st) continue;
          const open = r.counts.pending + r.counts.running + r.counts.retrying;
          st.total = st.done + st.failed + open;
          st.pending = open;
        }
      }
    }
    const state = last.state;
    const blocked = [...gates.values()].some((g) => g.status === 'failed');
    return {
      seq,
      at: last.at,
      type: last.type,
      status: statusOf(state, blocked),
      state,
      activeStates: activeIds(this.d.machine.root, state),
      phase: null,
      group: null,
      failure: null,
      steps: [...steps.values()],
      gates: [...gates.values()],
      coverage,
    };
  }
  async verify() {
    return this.d.verify;
  }
  subscribe(): Subscription {
    return { stop: () => undefined };
  }
  async act(): Promise<ActResult> {
    return { ok: false, status: 0, message: 'a report is read-only' };
  }
}
