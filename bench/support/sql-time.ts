// Time spent inside warehouse SQL during a run, read back from its log: each unit's materialize interval
// (UNIT_SUCCEEDED.at − ms … at) and each prerequisite, baseline and gate evaluation (previous event … its
// event), merged so parallel units are counted once. What is left of the driven span is phased's overhead.

import { eventPages } from '../../src/observe/index.js';
import type { EventStore, StoredEvent } from '../../store/index.js';

const WAREHOUSE_PHASES = new Set([
  'PREREQS_PASSED',
  'PREREQS_FAILED',
  'BASELINE_RECORDED',
  'GATE_PASSED',
  'GATE_FAILED',
]);

export interface SqlTime {
  /** DRIVER_ATTACHED (first) to DRIVER_DETACHED (last), ms. */
  drivenMs: number;
  /** Union of the intervals with warehouse work in flight, ms. */
  sqlMs: number;
  units: number;
}

export async function sqlTimeOf(store: EventStore, runId: string): Promise<SqlTime> {
  const spans: [number, number][] = [];
  let attached = Number.NaN;
  let detached = Number.NaN;
  let prev = Number.NaN;
  let units = 0;
  const add = (e: StoredEvent) => {
    const at = Date.parse(e.at);
    if (e.type === 'DRIVER_ATTACHED' && Number.isNaN(attached)) attached = at;
    if (e.type === 'DRIVER_DETACHED') detached = at;
    if (e.type === 'UNIT_SUCCEEDED') {
      const ms = (JSON.parse(e.data) as { ms?: number }).ms ?? 0;
      spans.push([at - ms, at]);
      units++;
    } else if (WAREHOUSE_PHASES.has(e.type) && !Number.isNaN(prev)) spans.push([prev, at]);
    prev = at;
  };
  for await (const page of eventPages(store, runId)) for (const e of page) add(e);
  spans.sort((a, b) => a[0] - b[0]);
  let sqlMs = 0;
  let cur: [number, number] | undefined;
  for (const s of spans) {
    if (cur && s[0] <= cur[1]) cur[1] = Math.max(cur[1], s[1]);
    else {
      if (cur) sqlMs += cur[1] - cur[0];
      cur = [s[0], s[1]];
    }
  }
  if (cur) sqlMs += cur[1] - cur[0];
  return { drivenMs: detached - attached, sqlMs, units };
}
