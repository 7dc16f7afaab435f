// The shapes the browser works with: a run's view, its units and events, and the statechart definition.
// They mirror the server's JSON (GET /api/...) and the report's embedded data; the views read only these.

export interface StepCounts {
  id: string;
  phase: string;
  group: number;
  table: string;
  total: number;
  done: number;
  failed: number;
  pending: number;
}

export interface GateInfo {
  status: string;
  reason?: string;
  report?: GateReport;
}

export interface GateReport {
  gate: string;
  ok: boolean;
  minCoverage: number;
  tables: {
    step: string;
    table: string;
    expected: number;
    present: number;
    coverage: number;
    missing: number;
    missingSample: string[];
    short: number;
    ok: boolean;
  }[];
  notNull: {
    table: string;
    column: string;
    where?: string;
    rows: number;
    nulls: number;
    rate: number;
    maxRate: number;
    ok: boolean;
    error?: string;
  }[];
  checks: { name: string; ok: boolean; detail?: string; error?: string }[];
  error?: string;
}

export interface RunInfo {
  runId: string;
  plan: string;
  status: string;
  state: unknown;
  phase: string | null;
  steps: StepCounts[];
  gates: Record<string, GateInfo>;
  events: number;
  owner: string | null;
  createdAt: string;
  updatedAt: string | null;
  failure: string | null;
  retrying?: { step: string; partition: string; attempt: number; retryAt?: string }[];
}

export interface RunListEntry {
  runId: string;
  plan: string;
  status: string;
  progress: string;
  createdAt: string;
  owner: string | null;
  [k: string]: unknown;
}

export interface Unit {
  step: string;
  partition: string;
  status: 'pending' | 'started' | 'succeeded' | 'failed';
  attempts: number;
  rows: number | null;
  jobRef: string | null;
  error: { code: string; message: string; retryable?: boolean } | null;
  lastSeq: number;
  /** When a failed attempt waits for another: the time of the next one. */
  retryAt?: string;
}

export interface LogEvent {
  seq: number;
  at: string;
  type: string;
  data: Record<string, unknown>;
  state: unknown;
}

/** An xstate state node definition as JSON (machine.definition). */
export interface StateDef {
  id: string;
  key: string;
  type: string;
  states?: Record<string, StateDef>;
  transitions?: { target?: string[]; eventType?: string | null }[];
  always?: { target?: string[] }[];
  tags?: string[];
  meta?: Record<string, unknown>;
}

export interface ChainResult {
  ok: boolean;
  events: number;
  firstBadSeq?: number;
  reason?: string;
  headHash?: string;
}

export interface ActionResult {
  ok: boolean;
  status: number;
  message: string;
}

export type Action = 'pause' | 'resume' | 'cancel' | 'retry' | 'approve';

export interface ActionBody {
  reason: string;
  step?: string;
  partitions?: string[];
  gate?: string;
}

/** Where the console's data comes from: the live server, or the report's embedded JSON. */
export interface DataSource {
  readonly live: boolean;
  runs(): Promise<RunListEntry[]>;
  run(id: string): Promise<RunInfo>;
  units(id: string): Promise<Unit[]>;
  events(id: string, fromSeq: number): Promise<LogEvent[]>;
  machine(id: string): Promise<StateDef>;
  at(id: string, seq: number): Promise<RunInfo>;
  chain(id: string): Promise<ChainResult | null>;
  /** Live increments: calls `onEvent` for each event after `afterSeq`; returns a stop function. */
  subscribe(id: string, afterSeq: number, onEvent: (e: LogEvent) => void): () => void;
  act(id: string, action: Action, body: ActionBody): Promise<ActionResult>;
}
