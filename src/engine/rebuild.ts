// The one way to rebuild a run: its frozen plan's machine, then the latest snapshot (or genesis) and the log's
// events folded through a live actor. Resume, replay --verify and --at, the inspector replay and the console's
// time travel all come here. It reads and folds; it never appends, and it reports problems rather than throwing
// (assertRebuilt turns one into the error resume raises).

import type { InspectionEvent } from 'xstate';
import {
  createRunMachine,
  eventFromRow,
  PhasedError,
  type ResolvedPlan,
  RunCursor,
  type RunEvent,
  type RunMachine,
  type RunSnapshot,
} from '../../machines/index.js';
import type { EventStore, RunRow, StoredEvent } from '../../store/index.js';
import { JsonTextCache } from '../observe/json-text.js';
import { frozenPlanProblem, frozenPlanTampered } from './frozen-plan.js';

/** The machine a run is driven by, built from its frozen plan (the runs row's plan_json). */
export function machineForRun(run: Pick<RunRow, 'planJson'>): { plan: ResolvedPlan; machine: RunMachine } {
  const plan = JSON.parse(run.planJson) as ResolvedPlan;
  return { plan, machine: createRunMachine(plan) };
}

/**
 * Called with each folded event and the snapshot after it. A returned string stops the rebuild there and is
 * reported as its problem; a returned promise is awaited first (pacing a replay), except under `verify`.
 */
export type RebuildVisitor = (
  stored: StoredEvent,
  event: RunEvent,
  snap: RunSnapshot,
) => string | undefined | undefined | Promise<string | undefined | undefined>;

export interface RebuildOptions {
  /** Rebuild as of this seq instead of the head. */
  atSeq?: number;
  /** Start from the latest snapshot at or before atSeq (default), or from the first event. */
  from?: 'snapshot' | 'genesis';
  /**
   * Check the hash chain and seq continuity from the starting point to the head, the frozen plan against the
   * log, and that the machine reaches the state recorded beside every folded event. From genesis this is one pass
   * over the log (replay --verify).
   */
  verify?: boolean;
  visit?: RebuildVisitor;
  /** Observe the actor (the Stately inspector bridge). */
  inspect?: (e: InspectionEvent) => void;
}

export interface RebuildProblem {
  /** What failed: the hash chain and seq walk, the frozen plan, the machine's state, or the visitor. */
  kind: 'chain' | 'plan' | 'state' | 'visit';
  seq?: number;
  reason: string;
}

export interface RebuiltRun {
  run: RunRow;
  plan: ResolvedPlan;
  machine: RunMachine;
  cursor: RunCursor;
  /** The seq of the last event folded (the snapshot's when none was). */
  seq: number;
  /** The state column of the last event folded, when one was. */
  stateText?: string;
  /** Events folded (the snapshot's are not counted). */
  count: number;
  /** The first problem met; folding stopped there. */
  problem?: RebuildProblem;
}

/** A rebuild that stopped before folding anything: the chain under the snapshot or the frozen plan is bad. */
export interface RebuildRefused {
  run: RunRow;
  seq: number;
  count: 0;
  problem: RebuildProblem;
  cursor?: undefined;
}

export async function rebuildRun(
  store: EventStore,
  runId: string,
  opts: RebuildOptions = {},
): Promise<RebuiltRun | RebuildRefused> {
  const run = await store.requireRun(runId);
  const snap = opts.from === 'genesis' ? undefined : await store.latestSnapshot(runId, opts.atSeq);
  // The snapshot's seq: its events are in the snapshot, and the walk checks the chain from it on.
  const base = snap ? snap.seq : 0;
  let chain: { ok: boolean; firstBadSeq?: number; reason?: string } | undefined;
  if (opts.verify && base > 0) {
    // A snapshot is tied to the event hash at its seq: the chain is checked from there to the head.
    chain = await store.verifyChain(runId, { fromSeq: base });
    if (!chain.ok) {
      return {
        run,
        seq: base,
        count: 0,
        problem: { kind: 'chain', seq: chain.firstBadSeq, reason: chain.reason ?? '' },
      };
    }
  }
  if (opts.verify) {
    // Before the plan is parsed for the machine: an edited one may not even be JSON.
    const plan = await frozenPlanProblem(store, run);
    if (plan) return { run, seq: base, count: 0, problem: { kind: 'plan', ...plan } };
  }
  const { plan, machine } = machineForRun(run);
  const cursor = new RunCursor(machine, snap ? (snap.snapshot as never) : undefined, {
    inspect: opts.inspect,
  });
  const out: RebuiltRun = { run, plan, machine, cursor, seq: base, count: 0 };
  const texts = opts.verify ? new JsonTextCache() : undefined;
  const at = opts.atSeq ?? Number.MAX_SAFE_INTEGER;
  const fold = (e: StoredEvent): { event: RunEvent; snap: RunSnapshot } | string => {
    let event: RunEvent;
    try {
      event = eventFromRow(e.type, e.data);
    } catch {
      return `seq ${e.seq}: data is not JSON`;
    }
    const after = cursor.apply(event);
    out.seq = e.seq;
    out.stateText = e.state;
    out.count++;
    if (texts) {
      const got = texts.textOf(after.value);
      if (got !== e.state)
        return `seq ${e.seq} (${e.type}): the machine reaches ${got}, but the log recorded ${e.state}`;
    }
    return { event, snap: after };
  };

  if (opts.verify && base === 0) {
    // From genesis, one pass: the store vouches for each event's hash and seq, and it is folded right there.
    const visit = opts.visit;
    let visitProblem = false;
    chain = await store.verifyChain(runId, {
      visit: (seq, type, data, state) => {
        if (seq > at) return undefined;
        const stored: StoredEvent = { runId, seq, type, data, state, at: '', prevHash: '', hash: '' };
        const r = fold(stored);
        if (typeof r === 'string') return r;
        const v = visit?.(stored, r.event, r.snap);
        if (typeof v === 'string') {
          visitProblem = true;
          return v;
        }
        return undefined;
      },
    });
    if (!chain.ok) {
      const kind = visitProblem
        ? 'visit'
        : /the machine reaches|not JSON/.test(chain.reason ?? '')
          ? 'state'
          : 'chain';
      out.problem = { kind, seq: chain.firstBadSeq, reason: chain.reason ?? '' };
    }
    return out;
  }

  for await (const e of store.events(runId, { fromSeq: base + 1, toSeq: opts.atSeq })) {
    const r = fold(e);
    if (typeof r === 'string') {
      out.problem = { kind: 'state', seq: e.seq, reason: r };
      return out;
    }
    if (opts.visit) {
      let v = opts.visit(e, r.event, r.snap);
      if (v instanceof Promise) v = await v;
      if (typeof v === 'string') {
        out.problem = { kind: 'visit', seq: e.seq, reason: v };
        return out;
      }
    }
  }
  return out;
}

/** Throws LOG_TAMPERED with the words resume has always used for each kind of problem. */
export function assertRebuilt(
  runId: string,
  r: RebuiltRun | RebuildRefused,
  machineVersion: string,
): RebuiltRun {
  const p = r.problem;
  if (!p) return r as RebuiltRun;
  if (p.kind === 'plan') throw frozenPlanTampered(runId, p);
  if (p.kind === 'chain') {
    throw new PhasedError(
      'LOG_TAMPERED',
      `run ${runId}: the event log does not verify at seq ${p.seq} (${p.reason}). ` +
        `Nothing was appended. Inspect it with \`phased replay ${runId} --verify\`; a tampered log cannot be resumed.`,
      { details: { runId, seq: p.seq } },
    );
  }
  throw new PhasedError(
    'LOG_TAMPERED',
    `run ${runId}: replaying the log does not reproduce its recorded states: ${p.reason}. ` +
      `The log or the machine version (${machineVersion}) differs; run \`phased replay ${runId} --verify\`.`,
    { details: { runId, seq: p.seq } },
  );
}
