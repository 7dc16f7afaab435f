// Units that failed for good, grouped by error code (step, partition, attempts, message), for the closing
// summary and `status`: the operator reads why without opening the log. Bounded: a few per code plus counts.

import type { StepCounters } from '../../machines/index.js';
import type { EventStore, FailureGroup } from '../../store/index.js';

/** Units listed per error code; the rest are counted. */
export const FAILURES_SHOWN = 20;
/** Longest message printed on a text line (JSON carries the whole message). */
const MESSAGE_CHARS = 200;

/** The run's failed units by error code; reads the projection only when the counters say some failed. */
export async function failuresOf(
  store: EventStore,
  runId: string,
  steps: Record<string, StepCounters>,
): Promise<FailureGroup[]> {
  if (!Object.values(steps).some((c) => c.failed > 0)) return [];
  return store.failedUnits(runId, FAILURES_SHOWN);
}

function oneLine(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_CHARS ? `${flat.slice(0, MESSAGE_CHARS - 1)}…` : flat;
}

/**
 * Text lines: one header, then per code its count and its first units (empty when nothing failed). `retry` (the
 * command, e.g. `npx phased retry RUN --db …`) adds how to re-open them, for a run whose state allows a retry.
 */
export function formatFailures(groups: FailureGroup[], retry?: string): string[] {
  if (groups.length === 0) return [];
  const total = groups.reduce((n, g) => n + g.count, 0);
  const lines = [`failed units: ${total}, by error code`];
  for (const g of groups) {
    lines.push(`  ${g.code}: ${g.count} unit${g.count === 1 ? '' : 's'}`);
    for (const u of g.units) {
      lines.push(
        `    ${u.step} ${u.partition} (${u.attempts} attempt${u.attempts === 1 ? '' : 's'}): ${oneLine(u.message)}`,
      );
    }
    if (g.count > g.units.length) lines.push(`    … and ${g.count - g.units.length} more`);
  }
  if (retry) lines.push(`  (re-open them with \`${retry}\`; --step/--partition narrow it)`);
  return lines;
}
