// What `phased status` shows: a run's state, per-step counters and gate reports; or the list of runs.
// Views are plain JSON (for --json and the HTTP API); the text rendering sits beside them.

import {
  allSteps,
  awaitsDriver,
  budgetOf,
  locateStep,
  type ResolvedPlan,
  type RunSnapshot,
  runStatus,
  stepLimit,
  type Usage,
} from '../../machines/index.js';
import type { EventStore, FailureGroup, RunRow } from '../../store/index.js';
import { rebuildRun } from '../engine/rebuild.js';
import { formatGateReport } from '../gates/index.js';
import { commandHint } from './command-hint.js';
import { EtaTracker, type EtaView, loggedCompletions } from './eta.js';
import { failuresOf, formatFailures } from './failures.js';
import { ownerOf } from './owner.js';
import { eventAt } from './pages.js';

/** One step's counters, in partitions of that step (done includes partitions present before the run). */
export interface StepView {
  id: string;
  phase: string;
  group: number;
  table: string;
  total: number;
  done: number;
  failed: number;
  pending: number;
  /** Units of the step in flight at once now (adaptive: halved on quota errors), and as the plan sets it. */
  concurrency: number;
  configuredConcurrency: number;
}

export interface RunView {
  runId: string;
  plan: string;
  status: string;
  state: unknown;
  phase: string | null;
  steps: StepView[];
  gates: Record<string, { status: string; reason?: string; report?: unknown }>;
  events: number;
  owner: string | null;
  createdAt: string;
  updatedAt: string | null;
  failure: string | null;
  /** Units waiting to be retried (a failed attempt with another to come), with the error and when. */
  retrying: RetryingUnit[];
  /** Units that failed for good, by error code: the first FAILURES_SHOWN of each code and its count. */
  failures: FailureGroup[];
  /** Bytes processed and billed and slot time of the run's jobs so far (BigQuery), and its budget if any. */
  usage?: Usage;
  maxBytesBilled?: number;
  /** ETA from the recent completions (EWMA of their spacing), per step and for the run. */
  eta: EtaView;
}

/** The ETA `status` shows for a run as of `log.seq` (the console's run page shows the same). */
export async function etaOf(
  store: EventStore,
  log: { runId: string; seq: number; snapshot: RunSnapshot },
): Promise<EtaView> {
  const tracker = new EtaTracker();
  tracker.earlier(await loggedCompletions(store, log.runId, log.seq));
  return tracker.view(log.snapshot);
}

export interface RetryingUnit {
  step: string;
  partition: string;
  attempt: number;
  error: { code: string; message: string };
  retryAt?: string;
}

const RETRYING_SHOWN = 20;

/** Pending units whose last attempt failed: the wait before their next attempt is read from that event. */
async function retryingUnits(store: EventStore, runId: string): Promise<RetryingUnit[]> {
  const out: RetryingUnit[] = [];
  for (const u of await store.retryingUnits(runId, RETRYING_SHOWN)) {
    const e = await eventAt(store, runId, u.lastSeq);
    const data = e?.type === 'UNIT_FAILED' ? (JSON.parse(e.data) as { retryInMs?: number }) : {};
    const retryAt =
      e && data.retryInMs !== undefined
        ? new Date(Date.parse(e.at) + data.retryInMs).toISOString()
        : undefined;
    const error = JSON.parse(u.error ?? 'null') as { code: string; message: string };
    out.push({
      step: u.step,
      partition: u.partition,
      attempt: u.attempts,
      error,
      ...(retryAt ? { retryAt } : {}),
    });
  }
  return out;
}

/** A run rebuilt as of a seq: its row, frozen plan, the machine's snapshot then, and that seq. */
export interface RebuiltRun {
  run: RunRow;
  plan: ResolvedPlan;
  snapshot: RunSnapshot;
  seq: number;
}

/**
 * The run as of `atSeq` (the head when undefined), through the engine's one rebuild path: the latest snapshot at
 * or before it, then the events after it. `status`, `replay --at` and the console's time travel go through here.
 */
export async function rebuildAt(store: EventStore, runId: string, atSeq?: number): Promise<RebuiltRun> {
  const r = await rebuildRun(store, runId, { atSeq });
  if (!r.cursor) throw new Error(`run ${runId}: ${r.problem.reason}`);
  try {
    return { run: r.run, plan: r.plan, snapshot: r.cursor.snapshot, seq: r.seq };
  } finally {
    r.cursor.stop();
  }
}

export async function runView(store: EventStore, runId: string, atSeq?: number): Promise<RunView> {
  const log = await rebuildAt(store, runId, atSeq);
  const snap = log.snapshot;
  const ctx = snap.context;
  const steps = allSteps(log.plan).map((s) => {
    const at = locateStep(log.plan, s.id);
    const c = ctx.steps[s.id] ?? { total: 0, done: 0, failed: 0, pending: 0 };
    return {
      id: s.id,
      phase: at?.phase.id ?? '',
      group: at?.group ?? 0,
      table: s.table,
      ...c,
      concurrency: stepLimit(ctx.ops, s.id, s.concurrency),
      configuredConcurrency: s.concurrency,
    };
  });
  return {
    runId,
    plan: log.plan.name,
    status: atSeq === undefined ? log.run.status : runStatus(snap),
    state: snap.value,
    phase: ctx.phase,
    steps,
    gates: ctx.gates,
    events: log.seq,
    owner: ownerOf((await store.getRun(runId)) ?? log.run),
    createdAt: log.run.createdAt,
    updatedAt: log.run.updatedAt,
    failure: ctx.failure,
    retrying: atSeq === undefined ? await retryingUnits(store, runId) : [],
    failures: atSeq === undefined ? await failuresOf(store, runId, ctx.steps) : [],
    ...(ctx.ops ? { usage: ctx.ops.usage } : {}),
    eta: await etaOf(store, { runId, seq: log.seq, snapshot: log.snapshot }),
    ...(budgetOf(ctx.ops, log.plan) === undefined ? {} : { maxBytesBilled: budgetOf(ctx.ops, log.plan) }),
  };
}

/**
 * `resume` and `retry`: the commands that continue the run and re-open its failed units (`phased resume RUN --db …`),
 * for the line a run nobody drives gets and under its failures; left out where the view is not of now (replay --at).
 */
export function formatRunView(v: RunView, opts: { resume?: string; retry?: string } = {}): string {
  const lines = [
    `run ${v.runId}  plan ${v.plan}  status ${v.status}  events ${v.events}${v.owner ? `  driven by ${v.owner}` : ''}`,
  ];
  const undriven = !v.owner && awaitsDriver(v.status);
  if (undriven && opts.resume) {
    lines.push(
      `not driven: no process holds this run (it was interrupted, or waits for a daemon); \`${opts.resume}\` continues it`,
    );
  }
  lines.push(`state ${JSON.stringify(v.state)}`);
  lines.push('partitions per step (done counts partitions already present before the run):');
  lines.push(
    `  ${'phase'.padEnd(10)} ${'step'.padEnd(34)} ${'done'.padStart(7)} ${'failed'.padStart(7)} ${'pending'.padStart(8)} ${'total'.padStart(7)}`,
  );
  for (const s of v.steps) {
    lines.push(
      `  ${s.phase.padEnd(10)} ${s.id.padEnd(34)} ${String(s.done).padStart(7)} ${String(s.failed).padStart(7)} ${String(s.pending).padStart(8)} ${String(s.total).padStart(7)}`,
    );
  }
  if (v.status === 'running' && v.eta.remaining > 0) {
    const steps = Object.entries(v.eta.steps)
      .filter(([, e]) => e.remaining > 0 && e.eta !== undefined)
      .map(([id, e]) => `${id} ${fmtEta(e.eta)}`);
    lines.push(
      `eta${undriven ? ' once driven' : ''}: ${fmtEta(v.eta.run)} for ${v.eta.remaining} units${steps.length ? ` (${steps.join(', ')})` : ''}`,
    );
  }
  const slowed = v.steps.filter((s) => s.concurrency < s.configuredConcurrency);
  if (slowed.length > 0) {
    lines.push(
      `concurrency lowered by quota errors: ${slowed.map((s) => `${s.id} ${s.concurrency} of ${s.configuredConcurrency}`).join(', ')}`,
    );
  }
  if (v.usage && (v.usage.bytesBilled > 0 || v.maxBytesBilled !== undefined)) {
    const budget = v.maxBytesBilled === undefined ? '' : ` of a budget of ${v.maxBytesBilled} bytes`;
    lines.push(
      `billed: ${v.usage.bytesBilled} bytes${budget} (processed ${v.usage.bytesProcessed} bytes, ${v.usage.slotMs} slot ms)`,
    );
  }
  for (const [id, g] of Object.entries(v.gates)) {
    lines.push(`gate ${id}: ${g.status}${g.reason ? ` (${g.reason})` : ''}`);
    if (g.report) lines.push(formatGateReport(g.report as never).replace(/^/gm, '  '));
  }
  if (v.failure) lines.push(`failure: ${v.failure}`);
  lines.push(
    ...formatFailures(v.failures, ['failed', 'blocked'].includes(v.status) ? opts.retry : undefined),
  );
  for (const r of v.retrying) {
    const when = r.retryAt ? `retry at ${r.retryAt}` : 'retry pending';
    lines.push(
      `waiting: ${r.step} ${r.partition} attempt ${r.attempt} failed (${r.error.code}: ${r.error.message}); ${when}`,
    );
  }
  return lines.join('\n');
}

export interface RunListItem {
  runId: string;
  plan: string;
  status: string;
  /** `done/total units`: units (one per step × partition) this run computes, from the units projection. */
  progress: string;
  createdAt: string;
  owner: string | null;
}

export async function listRuns(store: EventStore): Promise<RunListItem[]> {
  const out: RunListItem[] = [];
  for (const r of await store.listRuns()) {
    const counts = await store.unitCounts(r.runId);
    let done = 0;
    let total = 0;
    for (const c of Object.values(counts)) {
      done += c.succeeded ?? 0;
      total += (c.succeeded ?? 0) + (c.failed ?? 0) + (c.pending ?? 0) + (c.started ?? 0);
    }
    out.push({
      runId: r.runId,
      plan: r.planName,
      status: r.status,
      progress: total ? `${done}/${total} units` : '-',
      createdAt: r.createdAt,
      owner: ownerOf(r),
    });
  }
  return out;
}

/** `db`: the `--db` arguments the commands it suggests carry (none when the default or PHASED_DB is used). */
export function formatRunList(items: RunListItem[], opts: { db?: string[] } = {}): string {
  if (items.length === 0) return 'no runs yet (start one with `phased run PLAN` or `phased demo`)';
  const lines = [
    `${'run'.padEnd(26)} ${'plan'.padEnd(22)} ${'status'.padEnd(10)} ${'progress'.padEnd(18)} ${'created'.padEnd(24)} owner`,
  ];
  for (const r of items) {
    lines.push(
      `${r.runId.padEnd(26)} ${r.plan.padEnd(22)} ${r.status.padEnd(10)} ${r.progress.padEnd(18)} ${r.createdAt.padEnd(24)} ${r.owner ?? '-'}`,
    );
  }
  lines.push(
    '(units: one per step × partition that this run computes; `phased status RUN` counts partitions per step)',
  );
  const undriven = items.filter((r) => !r.owner && awaitsDriver(r.status));
  if (undriven.length > 0) {
    const ids = undriven.map((r) => r.runId);
    const named =
      ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
    lines.push(
      `not driven: ${named} (owner -); \`${commandHint('resume', 'RUN', ...(opts.db ?? []))}\` continues one here, \`${commandHint('daemon', ...(opts.db ?? []))}\` drives them all`,
    );
  }
  return lines.join('\n');
}

function fmtEta(s: number | undefined): string {
  if (s === undefined) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
