// The documented exit code of every error code (DESIGN §7): 2 bad input, 4 driven by another process, 1 for
// a unit, warehouse or internal failure. Only the CLI maps errors to exit codes; the table is exhaustive, so
// a new error code does not compile until its exit code is chosen here.

import type { ErrorCode } from '../src/errors/index.js';

export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  PLAN_INVALID: 2,
  BAD_ARGUMENT: 2,
  RUN_NOT_FOUND: 2,
  DB_INVALID: 2,
  LOG_TAMPERED: 2,
  PLAN_CHANGED: 2,
  INVALID_COMMAND: 2,
  CREDENTIALS: 2,
  LEASE_HELD: 4,
  LEASE_LOST: 4,
  QUERY: 1,
  EXPECTATION: 1,
  TIMEOUT: 1,
  RATE_LIMIT: 1,
  QUOTA: 1,
  BACKEND: 1,
  ACCESS_DENIED: 1,
  NOT_FOUND: 1,
  COMMAND_FAILED: 1,
  CANCELLED: 1,
  CONFLICT: 1,
  INTERNAL: 1,
};

/** The exit code for an error code. */
export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[code];
}
