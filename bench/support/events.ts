// Realistic event payloads for store-level benchmarks: unit events with a parallel-state value, as the
// driver appends them. Shapes follow machines/events.ts; the values are synthetic.

import type { RunEvent } from '../../machines/index.js';
import type { NewEvent } from '../../store/index.js';
import { nowIso } from './measure.js';

/** The state value of a one-phase run with two parallel steps, as xstate reports it. */
function stateValue(): unknown {
  return { active: { 'phase:p1': { 'group:0': { 'step:s0': 'running', 'step:s1': 'running' } } } };
}

/** Event i of a stream alternating UNIT_STARTED / UNIT_SUCCEEDED over distinct partitions. */
export function unitEvent(i: number, at = nowIso()): NewEvent {
  const partition = `p${i >> 1}`;
  const event: RunEvent =
    i % 2 === 0
      ? { type: 'UNIT_STARTED', step: 's0', partition, attempt: 1, reason: 'first' }
      : { type: 'UNIT_SUCCEEDED', step: 's0', partition, attempt: 1, rows: 1234, ms: 12 };
  return {
    event,
    at,
    state: stateValue(),
    status: 'running',
  };
}
