// The console's HTTP contract: the JSON body of every route of the console server (DESIGN §8), shared by the
// server (src/console) and the browser front-end. Pure types and constants, no imports with runtime code, so a
// bundler can take it into the page. Changes here are additive only: the front-end and the report depend on it.

import type { GateReport } from '../../machines/report.js';
import type { BudgetView, PaceEta } from './api-cost-types.js';

export type { CheckResult, GateReport, NotNullResult, TableCoverage } from '../../machines/report.js';
export type * from './api-cost-types.js';

export type RunStatus = 'created' | 'running' | 'paused' | 'blocked' | 'failed' | 'succeeded' | 'cancelled';
export type UnitStatus = 'pending' | 'started' | 'succeeded' | 'failed';

/** Every error body: a short message naming the thing and what to do. */
export interface ApiError {
  error: string;
  /** The phased error code when there is one (RUN_NOT_FOUND, INVALID_COMMAND, BAD_ARGUMENT …). */
  code?: string;
}

// ---------------------------------------------------------------------------------------------- GET /api/runs

/** Units of work scheduled in this run (the `units` projection), by status. */
export interface UnitCounts {
  /** succeeded in this run */
  done: number;
  /** failed for good (no attempt follows) */
  failed: number;
  /** an attempt in flight */
  running: number;
  /** waiting to start, including units waiting to retry */
  pending: number;
  /** of `pending`: a failed attempt with another to come */
  retrying: number;
  total: number;
}

/** Partitions present in the tables the plan writes: (baseline present + done in this run) ÷ expected. */
export interface CoverageProgress {
  present: number;
  expected: number;
  /** present ÷ expected, 0..1; null before the baseline (expected unknown). */
  ratio: number | null;
}

export interface Eta {
  /** `status --json`'s eta.remaining: units left in the run. */
  remaining: number;
  /** `status --json`'s eta.run (EWMA of recent completions): seconds until they are done; null while unknown. */
  seconds: number | null;
  /** Units done per minute at the same smoothed rate; null when fewer than two finished. */
  unitsPerMinute: number | null;
  /** Estimated time left in ms; null while unknown, 0 when nothing is left. */
  remainingMs: number | null;
  /** ISO time of the estimated end; null while unknown. */
  at: string | null;
}

export interface RunListItem {
  runId: string;
  plan: string;
  planHash: string;
  status: RunStatus;
  /** seq of the last event. */
  headSeq: number;
  units: UnitCounts;
  coverage: CoverageProgress;
  eta: Eta;
  /** The live lease holder (`pid@host`), or null when no process drives the run. */
  owner: string | null;
  /** Host of the last driver that attached (from DRIVER_ATTACHED), or null. */
  host: string | null;
  createdAt: string;
  /** Time of the first event. */
  startedAt: string | null;
  /** Time of RUN_SUCCEEDED / RUN_FAILED / CANCELLED (or of the last event of a failed/blocked run); null while open. */
  endedAt: string | null;
  /** endedAt (or now) − startedAt, ms. */
  durationMs: number | null;
  updatedAt: string | null;
}

/** `GET /api/runs?status=running,paused` answers `RunListItem[]`, newest first. */
export type RunListResponse = RunListItem[];

// ------------------------------------------------------------------------------------------ GET /api/runs/:id

export interface StepView {
  id: string;
  phase: string;
  group: number;
  table: string;
  kind: 'sql' | 'command';
  /** The step's configured concurrency (the plan's cap). */
  concurrency: number;
  /** Units of the step allowed in flight now: halved by quota errors, regrown after successes (AIMD). */
  concurrencyLimit: number;
  /** The step's remaining units and ETA (as `status --json` eta.steps). */
  eta: PaceEta;
  retries: number;
  /** Machine counters (as `status --json`): partitions expected to be written by this run and their fate. */
  total: number;
  done: number;
  failed: number;
  pending: number;
  /** From the units projection: in flight now, and waiting to retry. */
  running: number;
  retrying: number;
  /** Baseline of the step: partitions expected, present before the run, missing before the run. */
  baseline: { expected: number; present: number; missing: number } | null;
}

export interface GateView {
  id: string;
  phase: string;
  status: 'pending' | 'passed' | 'failed' | 'overridden';
  /** Latest report (GATE_PASSED/GATE_FAILED), including per-table errors. */
  report?: GateReport;
  /** Override reason, when overridden. */
  reason?: string;
  /** Every decision on this gate, in order: evaluations, overrides and re-checks. */
  history: GateDecision[];
}

export interface GateDecision {
  seq: number;
  at: string;
  type: 'GATE_PASSED' | 'GATE_FAILED' | 'GATE_OVERRIDDEN' | 'RETRY_REQUESTED';
  by?: string;
  reason?: string;
  ok?: boolean;
  error?: string;
}

export interface FailedUnit {
  step: string;
  partition: string;
  status: 'failed' | 'retrying';
  attempts: number;
  message: string;
  retryable: boolean;
  jobRef: string | null;
  /** Next attempt time (ISO) for a retrying unit. */
  retryAt: string | null;
  lastSeq: number;
}

/** Failed and retrying units grouped by error code. */
export interface FailureGroup {
  code: string;
  /** Total units in the group (the `units` list may be capped). */
  count: number;
  failed: number;
  retrying: number;
  steps: string[];
  units: FailedUnit[];
}

export interface HumanAction {
  seq: number;
  at: string;
  type: string;
  by: string;
  reason?: string;
  step?: string;
  partitions?: string[];
  gate?: string;
}

export interface RunDetail extends RunListItem {
  /** Events in the log (= headSeq). */
  events: number;
  /** The machine's state value after headSeq (xstate StateValue). */
  state: unknown;
  /** Active state ids (dotted full paths, as in MachineDefinition node ids), leaves and their ancestors. */
  activeStates: string[];
  /** Phase and group being worked on. */
  phase: string | null;
  group: number | null;
  pauseRequested: boolean;
  cancelRequested: boolean;
  failure: string | null;
  range: { start: string; end: string };
  refill: 'missing' | 'all';
  warehouse: string;
  steps: StepView[];
  gates: GateView[];
  failures: FailureGroup[];
  humanActions: HumanAction[];
  planChanges: { seq: number; at: string; oldHash: string; newHash: string; changes: string[]; by: string }[];
  /** The run's hash chain head. */
  headHash: string;
  /** Units left and the ETA at the recent pace (as `status --json` eta.run and eta.remaining). */
  runEta: PaceEta;
  /** Bytes billed and the budget (BigQuery); zeros and no budget elsewhere. */
  budget: BudgetView;
}

// ------------------------------------------------------------------------------------ GET /api/runs/:id/units

/** `?step=&status=pending,failed&retrying=1&partition=&limit=&offset=` */
export interface UnitView {
  step: string;
  partition: string;
  status: UnitStatus;
  /** pending after a failed attempt with another to come. */
  retrying: boolean;
  attempts: number;
  rows: number | null;
  jobRef: string | null;
  error: { code: string; message: string; retryable: boolean } | null;
  lastSeq: number;
  /** Next attempt time (ISO) for a retrying unit. */
  retryAt: string | null;
}

export interface UnitsResponse {
  total: number;
  units: UnitView[];
}

/** `GET /api/runs/:id/timeline`: each attempt of each unit as a bar, for a Gantt per step. */
export interface AttemptBar {
  step: string;
  partition: string;
  attempt: number;
  startSeq: number;
  startAt: string;
  /** null while in flight. */
  endSeq: number | null;
  endAt: string | null;
  outcome: 'running' | 'succeeded' | 'failed' | 'retry';
  reason: 'first' | 'retry' | 'in-doubt';
  errorCode?: string;
}

export interface TimelineMarker {
  seq: number;
  at: string;
  type: string;
  /** gate id for gate decisions; step for concurrency changes. */
  subject?: string;
  by?: string;
  reason?: string;
}

export interface TimelineResponse {
  /** Bars sorted by startSeq. */
  bars: AttemptBar[];
  /** Gate decisions, human actions, driver attach/detach, run end. */
  markers: TimelineMarker[];
  startAt: string | null;
  endAt: string | null;
  headSeq: number;
}

// ----------------------------------------------------------------------------------- GET /api/runs/:id/events

export interface EventEntry {
  seq: number;
  at: string;
  type: string;
  /** The event's payload (everything but `type`). */
  data: Record<string, unknown>;
  /** State value after the event. */
  state: unknown;
  hash: string;
}

/** `?from=SEQ&to=SEQ&type=A,B&step=&partition=&limit=` (limit default 500, max 5000). */
export interface EventsPage {
  events: EventEntry[];
  headSeq: number;
  /** from of the next page, or null at the head. */
  nextFrom: number | null;
}

// ---------------------------------------------------------------------------------- GET /api/runs/:id/machine

export type MachineNodeType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface MachineNode {
  /** Dotted full path from the root: `run.active.phase:phase3.group:0.step:x.running`. */
  id: string;
  /** The state's own key: `running`, `step:x`, `gate`. */
  key: string;
  /** Human label: `x`, `group 1`, `gate phase3`. */
  label: string;
  /** Parent id; null for the root. */
  parent: string | null;
  type: MachineNodeType;
  /** What the driver does in this state (runStep, evaluateGate …), from the state's meta. */
  effect?: string;
  /** The step, gate or phase the state stands for. */
  step?: string;
  gate?: string;
  phase?: string;
  tags: string[];
  /** Initial child key, for compound states. */
  initial?: string;
}

export interface MachineEdge {
  id: string;
  source: string;
  /** Target node id (a transition without target is not listed). */
  target: string;
  /** Event type, `always` for eventless transitions, `done` for onDone. */
  event: string;
  guard?: string;
}

/** The statechart as a graph: every state node and transition. */
export interface MachineGraph {
  machineVersion: string;
  planHash: string;
  root: string;
  nodes: MachineNode[];
  edges: MachineEdge[];
}

/** A state's box in the laid-out chart (node: its MachineNode id), in absolute coordinates. */
export interface LayoutBox {
  node: string;
  x: number;
  y: number;
  w: number;
  h: number;
  leaf: boolean;
  depth: number;
}

/** A transition drawn as an orthogonal polyline. */
export interface LayoutPath {
  id: string;
  event: string;
  points: { x: number; y: number }[];
}

/** The chart laid out by elkjs on the server, so the page ships no layout engine. */
export interface Layout {
  width: number;
  height: number;
  boxes: LayoutBox[];
  paths: LayoutPath[];
}

/** GET /api/runs/:id/machine: the graph and its layout. */
export interface MachineDefinition extends MachineGraph {
  layout: Layout;
}

// ------------------------------------------------------------------------------- GET /api/runs/:id/coverage

/**
 * One character per (table, date), index i ↔ `dates[i]`. Baseline-present and done count as present
 * (coverage); `.` is a date this table does not expect (not in the plan's partitions for it).
 */
export const CELL = {
  baseline: 'B',
  done: 'D',
  running: 'R',
  retrying: 'W',
  failed: 'F',
  pending: 'P',
  excluded: 'X',
  missing: 'M',
  none: '.',
} as const;

export type CellKind = keyof typeof CELL;
export type CellCode = (typeof CELL)[CellKind];

export interface CoverageRow {
  step: string;
  table: string;
  phase: string;
  /** `dates.length` characters of CELL codes. */
  cells: string;
  counts: Record<CellKind, number>;
}

export interface CoverageMatrix {
  /** Expected dates of the run, ascending (the union of the plan's partitions over its range). */
  dates: string[];
  /** True when `dates` is the logged calendar; false when it had to be inferred from the units. */
  datesComplete: boolean;
  rows: CoverageRow[];
  /** The seq the matrix is as of. */
  seq: number;
}

// Detail of one cell, for hover or click: `GET /api/runs/:id/units?step=S&partition=D`.

// --------------------------------------------------------------------------------- GET /api/runs/:id/at/:seq

/** Time travel: the run as of `seq`, exactly as `phased replay --at SEQ` rebuilds it. */
export interface AtSeqView {
  seq: number;
  at: string;
  type: string;
  status: RunStatus;
  state: unknown;
  activeStates: string[];
  phase: string | null;
  group: number | null;
  failure: string | null;
  steps: Pick<StepView, 'id' | 'phase' | 'group' | 'table' | 'total' | 'done' | 'failed' | 'pending'>[];
  gates: Pick<GateView, 'id' | 'phase' | 'status' | 'report' | 'reason'>[];
  coverage: CoverageMatrix;
}

// ---------------------------------------------------------------------------------- GET /api/runs/:id/verify

export interface VerifyView {
  ok: boolean;
  count: number;
  headSeq: number;
  headHash: string;
  firstBadSeq?: number;
  reason?: string;
}

// ----------------------------------------------------------------------------------- GET /api/runs/:id/stream

/**
 * Server-Sent Events. First connect: `?from=SEQ` (events with seq > from; default the head, i.e. only new
 * ones). Reconnect: the browser's `Last-Event-ID` (a seq) wins over `from`.
 *
 * - `event: event`, `id: <seq>`, data: StreamEvent — one per logged event, in seq order, none skipped;
 * - `event: head`, data: StreamHead — sent on connect and after each batch: the run's head and counters;
 * - `: ping` comments keep the connection open.
 */
export interface StreamEvent extends EventEntry {}

export interface StreamHead {
  runId: string;
  headSeq: number;
  status: RunStatus;
  owner: string | null;
  units: UnitCounts;
  coverage: CoverageProgress;
  eta: Eta;
}

export const STREAM_EVENT = 'event';
export const STREAM_HEAD = 'head';

/** `GET /api/stream` (all runs): `event: runs`, data: RunListItem[] of runs whose head moved. */
export const STREAM_RUNS = 'runs';

// ------------------------------------------------------------------------ POST /api/runs/:id/{action}

export type ControlAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'approve';

/** Body of every control request; `Authorization: Bearer <token>` is required. */
export interface ControlRequest {
  reason?: string;
  /** retry: a step id. */
  step?: string;
  /** retry: partitions (YYYY-MM-DD). */
  partitions?: string[];
  /** retry: a blocked gate to re-check; approve: the gate to pass (required). */
  gate?: string;
}

/** 200: what was appended. 409 (state does not allow it, nothing appended), 400, 401, 403: ApiError. */
export interface ControlResponse {
  runId: string;
  action: ControlAction;
  /** Event types appended, in order. */
  appended: string[];
  /** Their seqs. */
  seqs: number[];
  status: RunStatus;
  /** The process that will react (lease holder), if any. */
  driver: string | null;
  hint?: string;
}

// ------------------------------------------------------------------------------------------- GET /api/info

export interface ServerInfo {
  version: string;
  /** `daemon`, `run` (one run driven by this process) or `ui` (no driving). */
  mode: 'daemon' | 'run' | 'ui';
  /** The run this process drives, in `run` mode. */
  runId: string | null;
  db: string;
  /** Whether control requests from this client need the token (always true for POST). */
  tokenRequired: boolean;
}
