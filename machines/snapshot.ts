// Reading a run snapshot: its status, the effects its active states declare, and a live cursor that folds
// logged events into it. Pure: the cursor is an xstate actor with no side effects, fed by the caller.

import { type AnyMachineSnapshot, createActor, type InspectionEvent, type Snapshot } from 'xstate';
import type { RunContext } from './context.js';
import { EVENT_TYPES, type RunEvent } from './events.js';
import {
  type Effect,
  keepsStateValue,
  leavesSnapshot,
  type RunMachine,
  unitEventContext,
} from './run-machine.js';

export type RunStatus = 'created' | 'running' | 'paused' | 'blocked' | 'failed' | 'succeeded' | 'cancelled';

export type RunSnapshot = Omit<AnyMachineSnapshot, 'context'> & { context: RunContext };

/**
 * The run's status from its top-level state (the root is not parallel, so the value is one top-level key:
 * a string for the final states, an object otherwise). Read on every append, so no `matches()` walks here.
 */
export function runStatus(snap: RunSnapshot): RunStatus {
  const value = snap.value;
  const top = typeof value === 'string' ? value : Object.keys(value)[0];
  switch (top) {
    case 'succeeded':
    case 'cancelled':
    case 'failed':
    case 'paused':
      return top;
    default:
      return snap.hasTag('blocked') ? 'blocked' : 'running';
  }
}

/** A run that is over: it takes no more commands and no driver writes for it again. */
export function isOver(status: string): boolean {
  return status === 'succeeded' || status === 'cancelled';
}

/** A run waiting only for a process to drive it: a daemon takes these; paused, blocked and failed wait for a human. */
export function awaitsDriver(status: string): boolean {
  return status === 'created' || status === 'running';
}

/** The work the active states declare, in document order. */
export function activeEffects(snap: RunSnapshot): Effect[] {
  const out: Effect[] = [];
  const meta = (snap as unknown as { getMeta(): Record<string, unknown> }).getMeta();
  for (const m of Object.values(meta)) {
    if (m && typeof m === 'object' && 'effect' in m) out.push(m as Effect);
  }
  return out;
}

/** The gate the run is blocked in, if it is blocked (only the current phase's gate can be). */
export function blockedGate(snap: RunSnapshot): string | undefined {
  if (!snap.hasTag('blocked')) return undefined;
  for (const e of activeEffects(snap)) if (e.effect === 'blocked') return e.gate;
  return undefined;
}

/** Whether the machine would take this event in its current state (for control commands). */
export function accepts(snap: RunSnapshot, event: RunEvent): boolean {
  return snap.can(event);
}

/**
 * A live actor over a run: restore a persisted snapshot (or start fresh), then apply events in log order. Without an
 * inspector, events that cannot change the state value (most unit events) are folded into the context alone, with
 * the chart's own assignment (unitEventContext), and the actor is restored from that snapshot before the next event
 * that needs a macrostep.
 */
export class RunCursor {
  private actor;
  /** The snapshot when unit events were folded past the actor; undefined while the actor is current. */
  private ahead: RunSnapshot | undefined;
  /** Event types no state handles (DRIVER_*, NOTIFY_*): they cannot change the snapshot. */
  private readonly skip: ReadonlySet<string>;
  /** Skip events that cannot change the snapshot (not with an inspector, which sees every event). */
  private readonly fast: boolean;
  constructor(
    private readonly machine: RunMachine,
    persisted?: Snapshot<unknown>,
    opts: { inspect?: (e: InspectionEvent) => void } = {},
  ) {
    this.actor = createActor(machine, {
      ...(persisted ? { snapshot: persisted } : {}),
      inspect: opts.inspect,
    });
    // Skipping events no state handles saves a macrostep on the hot path; an inspector still sees them all.
    const handled = new Set<string>(machine.events);
    this.fast = !opts.inspect;
    this.skip = this.fast ? new Set(EVENT_TYPES.filter((t) => !handled.has(t))) : new Set();
    this.actor.start();
  }
  apply(event: RunEvent): RunSnapshot {
    if (this.skip.has(event.type)) return this.snapshot;
    if (this.fast) {
      const snap = this.snapshot;
      if (leavesSnapshot(event, snap.context)) return snap;
      if (keepsStateValue(event, snap.value, snap.context)) {
        this.ahead = { ...snap, context: unitEventContext(snap.context, event) };
        return this.ahead;
      }
      if (this.ahead) this.catchUp(this.ahead);
    }
    this.actor.send(event);
    return this.actor.getSnapshot() as RunSnapshot;
  }
  get snapshot(): RunSnapshot {
    return this.ahead ?? (this.actor.getSnapshot() as RunSnapshot);
  }
  persisted(): Snapshot<unknown> {
    if (this.ahead) return this.machine.getPersistedSnapshot(this.ahead as never);
    return this.actor.getPersistedSnapshot();
  }
  stop(): void {
    this.actor.stop();
  }
  /** Restore the actor from the snapshot the cursor ran ahead to. */
  private catchUp(ahead: RunSnapshot): void {
    const persisted = this.machine.getPersistedSnapshot(ahead as never);
    this.actor.stop();
    this.actor = createActor(this.machine, { snapshot: persisted });
    this.actor.start();
    this.ahead = undefined;
  }
}
