// Error classes shared by every layer: a code (mapped to an exit code by the CLI) and a retryable flag.
// Pure: no I/O, so the statechart's module can host them and every folder can import them.

export type ErrorCode =
  // bad input: exit 2
  | 'PLAN_INVALID'
  | 'BAD_ARGUMENT'
  | 'RUN_NOT_FOUND'
  | 'DB_INVALID'
  | 'LOG_TAMPERED'
  | 'PLAN_CHANGED'
  | 'INVALID_COMMAND'
  | 'CREDENTIALS'
  // another process drives the run: exit 4
  | 'LEASE_HELD'
  | 'LEASE_LOST'
  // unit and warehouse outcomes
  | 'QUERY'
  | 'EXPECTATION'
  | 'TIMEOUT'
  | 'RATE_LIMIT'
  | 'QUOTA'
  | 'BACKEND'
  | 'ACCESS_DENIED'
  | 'NOT_FOUND'
  | 'COMMAND_FAILED'
  | 'CANCELLED'
  | 'CONFLICT'
  | 'INTERNAL';

export class PhasedError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { retryable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PhasedError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }
}

/** A plan file that does not validate: names the file, the document path and what was expected. */
export class PlanError extends PhasedError {
  readonly file: string;
  readonly issues: { path: string; message: string }[];
  constructor(file: string, issues: { path: string; message: string }[]) {
    const lines = issues.map((i) => `  ${i.path || '(document)'}: ${i.message}`);
    super(
      'PLAN_INVALID',
      `plan ${file} is invalid:\n${lines.join('\n')}\nFix the plan and run \`phased check ${file}\`.`,
    );
    this.name = 'PlanError';
    this.file = file;
    this.issues = issues;
  }
}

/** A unit or warehouse failure; `retryable` decides whether the driver tries again. */
export class UnitError extends PhasedError {
  constructor(code: ErrorCode, message: string, retryable: boolean, details?: Record<string, unknown>) {
    super(code, message, { retryable, details });
    this.name = 'UnitError';
  }
}

const BAD_INPUT: ReadonlySet<ErrorCode> = new Set([
  'PLAN_INVALID',
  'BAD_ARGUMENT',
  'RUN_NOT_FOUND',
  'DB_INVALID',
  'LOG_TAMPERED',
  'PLAN_CHANGED',
  'INVALID_COMMAND',
  'CREDENTIALS',
]);

/** The documented exit code for an error code (DESIGN §7). */
export function exitCodeFor(code: ErrorCode): number {
  if (BAD_INPUT.has(code)) return 2;
  if (code === 'LEASE_HELD' || code === 'LEASE_LOST') return 4;
  return 1;
}

/** Normalise anything thrown into { code, message, retryable, details? } for an event payload. */
export function errorInfo(err: unknown): {
  code: string;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
} {
  if (err instanceof PhasedError) {
    const details = plainDetails(err.details);
    return {
      code: err.code,
      message: err.message,
      retryable: err.retryable,
      ...(details ? { details } : {}),
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message, retryable: false };
}

/** An error's details as an event can hold them: JSON values only (undefined members dropped); none if empty. */
function plainDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  let plain: Record<string, unknown>;
  try {
    plain = JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  return Object.keys(plain).length > 0 ? plain : undefined;
}
