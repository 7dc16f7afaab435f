// The CLI's exit code per error code, as DESIGN §7 documents them: 2 bad input (plan, arguments, database,
// a command the run's state refuses), 4 the run is driven by another process, 1 any failure of the work.
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeFor } from '../../cli/exit-codes.js';

describe('exit codes', () => {
  it('maps bad input to 2, a held lease to 4 and failures of the work to 1', () => {
    for (const code of [
      'PLAN_INVALID',
      'BAD_ARGUMENT',
      'RUN_NOT_FOUND',
      'DB_INVALID',
      'LOG_TAMPERED',
      'PLAN_CHANGED',
      'INVALID_COMMAND',
      'CREDENTIALS',
    ] as const) {
      expect(exitCodeFor(code), code).toBe(2);
    }
    expect(exitCodeFor('LEASE_HELD')).toBe(4);
    for (const code of ['QUERY', 'EXPECTATION', 'TIMEOUT', 'QUOTA', 'BACKEND', 'INTERNAL'] as const) {
      expect(exitCodeFor(code), code).toBe(1);
    }
  });

  it('uses only the documented codes', () => {
    expect(new Set(Object.values(EXIT_CODES))).toEqual(new Set([1, 2, 4]));
  });
});
