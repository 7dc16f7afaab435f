// One run held in memory for the console: its plan (parsed once), a live actor restored from the latest snapshot
// and advanced by the events appended since, the units still open (in flight, failed, waiting to retry), the
// recent pace, and `status`'s ETA as of its seq. Loading costs a snapshot and a short tail; each later read costs only the new events.
// It never writes and never rebuilds from the first event (time travel does, in time-travel.ts).

import {
  allSteps,
  countPartitions,
  eventFromRow,
  type ResolvedPlan,
  RunCursor,
  type RunEvent,
  type RunMachine,
  type RunSnapshot,
  runStatus,
  type StepBaseline,
} from '../../machines/index.js';
import type { EventStore, SnapshotRecord, StoredEvent, UnitRow } from '../../store/index.js';
import { machineForRun } from '../engine/rebuild.js';
import { EtaTracker, type EtaView } from '../observe/eta.js';
import { eventAt, eventPages } from '../observe/pages.js';
import { etaOf } from '../observe/status.js';
import type { RunStatus } from './api-types.js';

export interface OpenUnit {
  step: string;
  partition: string;
  status: 'running' | 'retrying' | 'failed';
  attempts: number;
  jobRef: string | null;
  error: { code: string; message: string; retryable: boolean } | null;
  lastSeq: number;
  /** ms since epoch of the next attempt, for a retrying unit whose wait is known. */
  retryAt: number | null;
  /** A running unit's estimated bytes billed (its UNIT_STARTED, with a budget), counted against the budget. */
  estimatedBytes: number | null;
}

export interface Baseline {
  steps: Map<string, StepBaseline & { toRunCount: number }>;
  /** Expected dates as logged (compact), when the event carries them. */
  dates?: string[];
}

/** Events the console lists as marks: gate decisions, human actions, drivers, plan changes, run end. */
export const MARK_TYPES = [
  'GATE_PASSED',
  'GATE_FAILED',
  'GATE_OVERRIDDEN',
  'PAUSE_REQUESTED',
  'PAUSED',
  'RESUMED',
  'CANCEL_REQUESTED',
  'CANCELLED',
  'RETRY_REQUESTED',
  'PLAN_CHANGE_ACCEPTED',
  'CONCURRENCY_CHANGED',
  'DRIVER_ATTACHED',
  'DRIVER_DETACHED',
  'RUN_SUCCEEDED',
  'RUN_FAILED',
] as const;
const MARKS = new Set<string>(MARK_TYPES);

export interface Mark {
  seq: number;
  at: string;
  event: RunEvent;
}

/** Recent events read on load for the retry times and the pace. */
const RECENT_EVENTS = 400;
/** Early events read to find RUN_CREATED, the first driver and the baseline without a scan. */
const HEAD_EVENTS = 64;
/** Events scanned per page while loading the marks. */
const MARKS_PAGE = 20_000;

const key = (step: string, partition: string) => `${step}\u0000${partition}`;

export class LiveRun {
  readonly plan: ResolvedPlan;
  private readonly cursor: RunCursor;
  seq = 0;
  lastAt: string | null = null;
  startedAt: string | null = null;
  host: string | null = null;
  range: { start: string; end: string };
  refill: 'missing' | 'all' = 'missing';
  baseline: Baseline | null = null;
  readonly open = new Map<string, OpenUnit>();
  /** The pace: `status`'s smoothing (EWMA of the spacing of unit outcomes), fed from recent events. */
  private readonly pace = new EtaTracker();
  private marks: Mark[] | null = null;
  private eta?: { seq: number; view: EtaView };
  private marksLoading?: Promise<Mark[]>;
  private advancing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: EventStore,
    readonly runId: string,
    built: { plan: ResolvedPlan; machine: RunMachine },
    snap: SnapshotRecord | undefined,
  ) {
    this.plan = built.plan;
    this.range = this.plan.range;
    this.cursor = new RunCursor(built.machine, snap ? (snap.snapshot as never) : undefined);
    this.seq = snap?.seq ?? 0;
  }

  /**
   * The run from its latest snapshot, the early events, the open units and the tail up to the head; its machine
   * is built from the frozen plan the one way every run's is (engine/rebuild.ts).
   */
  static async load(store: EventStore, runId: string, planJson: string): Promise<LiveRun> {
    const live = new LiveRun(store, runId, machineForRun({ planJson }), await store.latestSnapshot(runId));
    await live.catchUp();
    return live;
  }

  private async catchUp(): Promise<void> {
    const { store, runId } = this;
    const early = await store.readEvents(runId, 1, HEAD_EVENTS);
    for (const e of early) this.note(e, eventFromRow(e.type, e.data));
    const head = (await store.head(runId)).seq;
    if (!this.baseline && head > HEAD_EVENTS) {
      for (const e of await store.views.eventsOfTypes(runId, ['BASELINE_RECORDED'])) {
        this.note(e, eventFromRow(e.type, e.data));
      }
    }
    // Open units: the projection as of (at least) `head`; events after it are folded in again by advance(),
    // which sets each unit's latest state, so a unit counted twice converges.
    const base = head;
    for (const u of await store.views.openUnits(runId)) this.setOpen(u);
    // A running unit's estimate is on its UNIT_STARTED (few: at most the steps' concurrency).
    for (const o of this.open.values()) {
      if (o.status !== 'running') continue;
      const e = await eventAt(store, runId, o.lastSeq);
      if (e?.type === 'UNIT_STARTED') o.estimatedBytes = JSON.parse(e.data).estimatedBytes ?? null;
    }
    for (const e of (await store.views.lastEventsBefore(runId, base, RECENT_EVENTS)).reverse()) {
      if (e.type === 'UNIT_SUCCEEDED' || e.type === 'UNIT_FAILED') {
        this.pace.observe(eventFromRow(e.type, e.data), Date.parse(e.at));
      }
      if (e.type === 'UNIT_FAILED') {
        const d = JSON.parse(e.data) as { step: string; partition: string; retryInMs?: number };
        const o = this.open.get(key(d.step, d.partition));
        if (o?.status === 'retrying' && o.lastSeq === e.seq && d.retryInMs !== undefined) {
          o.retryAt = Date.parse(e.at) + d.retryInMs;
        }
      }
      this.lastAt = e.at;
    }
    await this.applyTail(this.seq + 1, base, { openUnits: false, pace: false });
    this.seq = Math.max(this.seq, base);
    await this.advanceNow();
  }

  get snapshot(): RunSnapshot {
    return this.cursor.snapshot;
  }

  get status(): RunStatus {
    return runStatus(this.cursor.snapshot);
  }

  /**
   * Fold the events appended since the last read (up to `head`, else the run's head now). Calls run one after
   * another, so concurrent requests never fold an event twice.
   */
  advance(head?: number): Promise<void> {
    const next = this.advancing.then(() => this.advanceNow(head));
    this.advancing = next.catch(() => undefined);
    return next;
  }

  private async advanceNow(head?: number): Promise<void> {
    const to = head ?? (await this.store.head(this.runId)).seq;
    if (to <= this.seq) return;
    await this.applyTail(this.seq + 1, to, { openUnits: true, pace: true });
  }

  /**
   * Gate decisions, human actions, drivers and the run's end, loaded on first use: one scan of the log, in pages
   * that yield to the event loop, so a long log does not stall the process (a daemon renews leases meanwhile).
   */
  async loadMarks(): Promise<Mark[]> {
    if (this.marks) return this.marks;
    this.marksLoading ??= (async () => {
      const found: Mark[] = [];
      let after = 0;
      while (after < this.seq) {
        const to = Math.min(this.seq, after + MARKS_PAGE);
        for (const e of await this.store.views.eventsOfTypes(this.runId, MARK_TYPES, after, to)) {
          found.push({ seq: e.seq, at: e.at, event: eventFromRow(e.type, e.data) });
        }
        after = to;
        if (after < this.seq) await new Promise((r) => setImmediate(r));
      }
      this.marks = found;
      return found;
    })();
    return this.marksLoading;
  }

  /** The marks once loadMarks() has resolved (empty before). */
  markList(): Mark[] {
    return this.marks ?? [];
  }

  /** The ETA `status` shows as of the run's seq (read once per seq). */
  async statusEta(): Promise<EtaView> {
    const seq = this.seq;
    if (this.eta?.seq !== seq) {
      this.eta = { seq, view: await etaOf(this.store, { runId: this.runId, seq, snapshot: this.snapshot }) };
    }
    return this.eta.view;
  }

  /**
   * Units finished per minute at the smoothed rate `status`'s ETA uses (observe/eta.ts), or null when fewer
   * than two outcomes are known. The ETA itself is statusEta()'s.
   */
  unitsPerMinute(): number | null {
    const perSecond = this.pace.rate();
    return perSecond === undefined ? null : perSecond * 60;
  }

  private async applyTail(
    from: number,
    to: number,
    what: { openUnits: boolean; pace: boolean },
  ): Promise<void> {
    if (to < from) return;
    for await (const page of eventPages(this.store, this.runId, { fromSeq: from, toSeq: to })) {
      this.fold(page, what);
    }
  }

  private fold(page: StoredEvent[], what: { openUnits: boolean; pace: boolean }): void {
    for (const e of page) {
      const event = eventFromRow(e.type, e.data);
      if (e.seq > this.seq) this.cursor.apply(event);
      this.note(e, event);
      if (what.openUnits) this.foldOpen(e, event);
      if (what.pace) this.pace.observe(event, Date.parse(e.at));
      if (this.marks && MARKS.has(e.type) && e.seq > this.seq)
        this.marks.push({ seq: e.seq, at: e.at, event });
      if (e.seq > this.seq) this.seq = e.seq;
      this.lastAt = e.at;
    }
  }

  private note(e: StoredEvent, event: RunEvent): void {
    if (e.seq === 1) this.startedAt = e.at;
    switch (event.type) {
      case 'RUN_CREATED':
        this.range = event.range;
        this.refill = event.refill;
        break;
      case 'DRIVER_ATTACHED':
        this.host = event.host;
        break;
      case 'BASELINE_RECORDED': {
        const steps = new Map<string, StepBaseline & { toRunCount: number }>();
        for (const s of event.steps) steps.set(s.step, { ...s, toRunCount: countPartitions(s.toRun) });
        const dates = (event as { dates?: string[] }).dates;
        this.baseline = { steps, ...(dates ? { dates } : {}) };
        break;
      }
    }
  }

  private foldOpen(e: StoredEvent, event: RunEvent): void {
    switch (event.type) {
      case 'UNIT_STARTED': {
        const prev = this.open.get(key(event.step, event.partition));
        this.open.set(key(event.step, event.partition), {
          step: event.step,
          partition: event.partition,
          status: 'running',
          attempts: event.attempt,
          jobRef: event.jobRef ?? null,
          error: prev?.error ?? null,
          lastSeq: e.seq,
          retryAt: null,
          estimatedBytes: event.estimatedBytes ?? null,
        });
        return;
      }
      case 'UNIT_SUCCEEDED':
        this.open.delete(key(event.step, event.partition));
        return;
      case 'UNIT_FAILED': {
        const prev = this.open.get(key(event.step, event.partition));
        this.open.set(key(event.step, event.partition), {
          step: event.step,
          partition: event.partition,
          status: event.final ? 'failed' : 'retrying',
          attempts: event.attempt,
          jobRef: prev?.jobRef ?? null,
          error: event.error,
          lastSeq: e.seq,
          retryAt: !event.final && event.retryInMs !== undefined ? Date.parse(e.at) + event.retryInMs : null,
          estimatedBytes: null,
        });
        return;
      }
      case 'RETRY_REQUESTED': {
        const steps = new Set(event.reopened.map((r) => r.step));
        const only = event.partitions ? new Set(event.partitions) : undefined;
        for (const u of this.open.values()) {
          if (u.status !== 'failed' || !steps.has(u.step)) continue;
          if (event.step !== undefined && u.step !== event.step) continue;
          if (only && !only.has(u.partition)) continue;
          u.status = 'retrying';
          u.retryAt = null;
          u.lastSeq = e.seq;
        }
        return;
      }
    }
  }

  private setOpen(u: UnitRow): void {
    const status = u.status === 'started' ? 'running' : u.status === 'failed' ? 'failed' : 'retrying';
    this.open.set(key(u.step, u.partition), {
      step: u.step,
      partition: u.partition,
      status,
      attempts: u.attempts,
      jobRef: u.jobRef,
      error: u.error ? JSON.parse(u.error) : null,
      lastSeq: u.lastSeq,
      retryAt: null,
      estimatedBytes: null,
    });
  }

  /** Steps in plan order. */
  steps() {
    return allSteps(this.plan);
  }

  stop(): void {
    this.cursor.stop();
  }
}
