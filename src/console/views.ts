// The JSON of the runs list and of one run, built from a LiveRun (machine counters and gates, open units, marks)
// and its summary row. The numbers are the machine's, as `phased status --json` prints them.

import { locateStep } from '../../machines/index.js';
import type { RunSummaryRow } from '../../store/index.js';
import type { EtaView } from '../observe/eta.js';
import type {
  CoverageProgress,
  Eta,
  FailedUnit,
  FailureGroup,
  GateDecision,
  GateView,
  HumanAction,
  RunDetail,
  RunListItem,
  StepView,
  StreamHead,
  UnitCounts,
} from './api-types.js';
import { budgetView, concurrencyLimit, paceEta, runEta, stepEta } from './cost-view.js';
import type { LiveRun } from './live-run.js';
import { activeStateIds } from './machine-graph.js';

const FINAL = new Set(['succeeded', 'cancelled', 'failed']);
/** Units listed per failure group (the group's count is always complete). */
const UNITS_PER_GROUP = 100;

export function unitCounts(live: LiveRun): UnitCounts {
  const ctx = live.snapshot.context;
  let done = 0;
  let failed = 0;
  let pending = 0;
  let total = 0;
  for (const [id, c] of Object.entries(ctx.steps)) {
    const b = live.baseline?.steps.get(id);
    const toRun = b?.toRunCount ?? c.total;
    done += c.done - (c.total - toRun);
    failed += c.failed;
    pending += c.pending;
    total += toRun;
  }
  let running = 0;
  let retrying = 0;
  for (const u of live.open.values()) {
    if (u.status === 'running') running++;
    else if (u.status === 'retrying') retrying++;
  }
  return { done, failed, running, pending: Math.max(0, pending - running), retrying, total };
}

export function coverageProgress(live: LiveRun): CoverageProgress {
  let present = 0;
  let expected = 0;
  for (const c of Object.values(live.snapshot.context.steps)) {
    present += c.done;
    expected += c.total;
  }
  return { present, expected, ratio: live.baseline && expected > 0 ? present / expected : null };
}

/**
 * The runs list's ETA: `status`'s (the EWMA of recent completions, observe/eta.ts) as of the run's seq, with
 * the time it points at while the run is running.
 */
export function eta(live: LiveRun, units: UnitCounts, view: EtaView, now = Date.now()): Eta {
  const left = units.pending + units.running;
  const rate = live.unitsPerMinute();
  const figures = { ...paceEta({ eta: view.run, remaining: view.remaining }), unitsPerMinute: rate };
  if (left === 0 && live.baseline) {
    return { ...figures, remainingMs: 0, at: live.lastAt ?? new Date(now).toISOString() };
  }
  if (live.status !== 'running' || figures.seconds === null)
    return { ...figures, remainingMs: null, at: null };
  const remainingMs = Math.round(figures.seconds * 1000);
  return { ...figures, remainingMs, at: new Date(now + remainingMs).toISOString() };
}

/** One run of the list; `etaView` is `status`'s ETA as of the run's seq (LiveRun.statusEta()). */
export function listItem(
  row: RunSummaryRow,
  live: LiveRun,
  owner: string | null,
  etaView: EtaView,
  now = Date.now(),
): RunListItem {
  const units = unitCounts(live);
  const status = live.status;
  const endedAt = FINAL.has(status) ? (live.lastAt ?? row.updatedAt) : null;
  const start = live.startedAt ? Date.parse(live.startedAt) : null;
  const end = endedAt ? Date.parse(endedAt) : now;
  return {
    runId: row.runId,
    plan: row.planName,
    planHash: row.planHash,
    status,
    headSeq: live.seq,
    units,
    coverage: coverageProgress(live),
    eta: eta(live, units, etaView, now),
    owner,
    host: owner ? (owner.split('@')[1] ?? null) : live.host,
    createdAt: row.createdAt,
    startedAt: live.startedAt,
    endedAt,
    durationMs: start === null ? null : Math.max(0, end - start),
    updatedAt: live.lastAt ?? row.updatedAt,
  };
}

export function streamHead(item: RunListItem): StreamHead {
  const { runId, headSeq, status, owner, units, coverage, eta: e } = item;
  return { runId, headSeq, status, owner, units, coverage, eta: e };
}

function stepViews(live: LiveRun, eta: EtaView): StepView[] {
  const ctx = live.snapshot.context;
  const running = new Map<string, number>();
  const retrying = new Map<string, number>();
  for (const u of live.open.values()) {
    if (u.status === 'running') running.set(u.step, (running.get(u.step) ?? 0) + 1);
    if (u.status === 'retrying') retrying.set(u.step, (retrying.get(u.step) ?? 0) + 1);
  }
  return live.steps().map((s) => {
    const at = locateStep(live.plan, s.id);
    const c = ctx.steps[s.id] ?? { total: 0, done: 0, failed: 0, pending: 0 };
    const b = live.baseline?.steps.get(s.id);
    return {
      id: s.id,
      phase: at?.phase.id ?? '',
      group: at?.group ?? 0,
      table: s.table,
      kind: s.kind,
      concurrency: s.concurrency,
      concurrencyLimit: concurrencyLimit(live.snapshot, s.id, s.concurrency),
      eta: stepEta(eta, s.id),
      retries: s.retries,
      ...c,
      running: running.get(s.id) ?? 0,
      retrying: retrying.get(s.id) ?? 0,
      baseline: b ? { expected: b.expected, present: b.present, missing: b.missing } : null,
    };
  });
}

function gateViews(live: LiveRun): GateView[] {
  const ctx = live.snapshot.context;
  const history = new Map<string, GateDecision[]>();
  const phaseOfGate = new Map(live.plan.phases.map((p) => [p.gate.id, p.id]));
  for (const m of live.markList()) {
    const e = m.event;
    let gate: string | undefined;
    let d: GateDecision | undefined;
    if (e.type === 'GATE_PASSED' || e.type === 'GATE_FAILED') {
      gate = e.gate;
      d = {
        seq: m.seq,
        at: m.at,
        type: e.type,
        ok: e.report.ok,
        ...(e.report.error ? { error: e.report.error } : {}),
      };
    } else if (e.type === 'GATE_OVERRIDDEN') {
      gate = e.gate;
      d = { seq: m.seq, at: m.at, type: e.type, by: e.by, reason: e.reason };
    } else if (e.type === 'RETRY_REQUESTED' && e.gate) {
      gate = e.gate;
      d = { seq: m.seq, at: m.at, type: e.type, by: e.by, reason: e.reason };
    }
    if (gate && d) history.set(gate, [...(history.get(gate) ?? []), d]);
  }
  return live.plan.phases.map((p) => {
    const g = ctx.gates[p.gate.id] ?? { status: 'pending' as const };
    return {
      id: p.gate.id,
      phase: phaseOfGate.get(p.gate.id) ?? p.id,
      status: g.status,
      ...(g.report ? { report: g.report } : {}),
      ...(g.reason ? { reason: g.reason } : {}),
      history: history.get(p.gate.id) ?? [],
    };
  });
}

export function failureGroups(live: LiveRun): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  const open = [...live.open.values()]
    .filter((u) => u.status !== 'running')
    .sort((a, b) => a.step.localeCompare(b.step) || a.partition.localeCompare(b.partition));
  for (const u of open) {
    const code = u.error?.code ?? 'UNKNOWN';
    let g = groups.get(code);
    if (!g) {
      g = { code, count: 0, failed: 0, retrying: 0, steps: [], units: [] };
      groups.set(code, g);
    }
    g.count++;
    if (u.status === 'failed') g.failed++;
    else g.retrying++;
    if (!g.steps.includes(u.step)) g.steps.push(u.step);
    if (g.units.length < UNITS_PER_GROUP) {
      const f: FailedUnit = {
        step: u.step,
        partition: u.partition,
        status: u.status === 'failed' ? 'failed' : 'retrying',
        attempts: u.attempts,
        message: u.error?.message ?? '',
        retryable: u.error?.retryable ?? false,
        jobRef: u.jobRef,
        retryAt: u.retryAt === null ? null : new Date(u.retryAt).toISOString(),
        lastSeq: u.lastSeq,
      };
      g.units.push(f);
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

const HUMAN = new Set([
  'PAUSE_REQUESTED',
  'CANCEL_REQUESTED',
  'RETRY_REQUESTED',
  'GATE_OVERRIDDEN',
  'PLAN_CHANGE_ACCEPTED',
  'RESUMED',
  'PAUSED',
  'CANCELLED',
]);

function humanActions(live: LiveRun): HumanAction[] {
  const out: HumanAction[] = [];
  for (const m of live.markList()) {
    const e = m.event as {
      type: string;
      by?: string;
      reason?: string;
      step?: string;
      partitions?: string[];
      gate?: string;
    };
    if (!HUMAN.has(e.type) || e.by === undefined) continue;
    out.push({
      seq: m.seq,
      at: m.at,
      type: e.type,
      by: e.by,
      ...(e.reason !== undefined ? { reason: e.reason } : {}),
      ...(e.step !== undefined ? { step: e.step } : {}),
      ...(e.partitions !== undefined ? { partitions: e.partitions } : {}),
      ...(e.gate !== undefined ? { gate: e.gate } : {}),
    });
  }
  return out;
}

/** The pace and the command hint the cost figures need (read asynchronously by the caller). */
export interface CostInputs {
  /** `status`'s ETA as of the run's seq. */
  eta: EtaView;
  /** `phased resume RUN …` as an operator would type it. */
  resumeHint: string;
}

export function runDetail(
  row: RunSummaryRow,
  live: LiveRun,
  owner: string | null,
  cost: CostInputs,
  now = Date.now(),
): RunDetail {
  const snap = live.snapshot;
  const ctx = snap.context;
  let host = live.host;
  const marks = live.markList();
  for (const m of marks) if (m.event.type === 'DRIVER_ATTACHED') host = m.event.host;
  const item = listItem(row, live, owner, cost.eta, now);
  return {
    ...item,
    events: live.seq,
    host: owner ? item.host : host,
    state: snap.value,
    activeStates: activeStateIds(snap.value),
    phase: ctx.phase,
    group: ctx.group,
    pauseRequested: ctx.pauseRequested,
    cancelRequested: ctx.cancelRequested,
    failure: ctx.failure,
    range: live.range,
    refill: live.refill,
    warehouse: live.plan.warehouse.kind,
    steps: stepViews(live, cost.eta),
    gates: gateViews(live),
    failures: failureGroups(live),
    humanActions: humanActions(live),
    planChanges: marks.flatMap((m) =>
      m.event.type === 'PLAN_CHANGE_ACCEPTED'
        ? [
            {
              seq: m.seq,
              at: m.at,
              oldHash: m.event.oldHash,
              newHash: m.event.newHash,
              changes: m.event.changes,
              by: m.event.by,
            },
          ]
        : [],
    ),
    headHash: row.headSeq === live.seq ? row.headHash : '',
    runEta: runEta(cost.eta),
    budget: budgetView(live, cost.resumeHint),
  };
}
