// Projections the store keeps inside the append's own transaction (emmett's inline projections, run before the
// commit): a projection says which event types it handles and folds one typed event at a time. The list of
// projections and their tables are the store's; what an event means is the machine's (machines/events.ts).

import type { RunEvent, RunEventType } from '../machines/index.js';

/** Where a folded event sits in the log. */
export interface EventPosition {
  runId: string;
  seq: number;
}

export interface InlineProjection {
  readonly name: string;
  /** True for the event types that change this projection; apply() is called for those only. */
  canHandle(type: RunEventType): boolean;
  /** Fold one event, inside the transaction that appends it (or that rebuilds the projection). */
  apply(at: EventPosition, event: RunEvent): void;
}

/** Fold `event` through every projection that handles its type. */
export function applyInline(
  projections: readonly InlineProjection[],
  at: EventPosition,
  event: RunEvent,
): void {
  for (const p of projections) if (p.canHandle(event.type)) p.apply(at, event);
}
