// Crash switches for tests and for users who want to see recovery for themselves:
// PHASED_CRASH_AT=<point>[:<n>] kills this process with SIGKILL at the n-th passage of a named point.
// An invalid value is refused when the engine loads (BAD_ARGUMENT: exit 2), never ignored.

import { PhasedError } from '../../machines/index.js';

export const CRASH_POINTS = [
  'after-unit-started',
  'after-warehouse-commit',
  'after-gate-evaluated',
  'after-append-before-send',
  'during-snapshot',
  'in-retry-wait',
  'before-reconcile',
  'after-notify-decided',
  'after-pipelined-send',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

interface Armed {
  point: string;
  at: number;
}

function parse(spec: string | undefined): Armed | undefined {
  if (!spec) return undefined;
  const [point, n, ...rest] = spec.split(':');
  const at = n === undefined ? 1 : Number(n);
  if (
    !(CRASH_POINTS as readonly string[]).includes(point) ||
    !Number.isInteger(at) ||
    at < 1 ||
    rest.length > 0
  ) {
    throw new PhasedError(
      'BAD_ARGUMENT',
      `PHASED_CRASH_AT=${spec} is not valid: expected <point>[:<n>] with point one of ${CRASH_POINTS.join(', ')} and n a whole number ≥ 1 (or unset it)`,
    );
  }
  return { point, at };
}

const armed = parse(process.env.PHASED_CRASH_AT);
let passages = 0;

/** Mark the passage of a crash point; kills the process (SIGKILL, nothing flushed) when armed for it. */
export function failpoint(point: CrashPoint): void {
  if (!armed || armed.point !== point) return;
  passages++;
  if (passages === armed.at) process.kill(process.pid, 'SIGKILL');
}

/** Whether `point` is the one armed (to skip work done only to reach it). */
export function armedFor(point: CrashPoint): boolean {
  return armed?.point === point;
}
