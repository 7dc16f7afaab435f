// What a server condition becomes for the user: each SQLSTATE PostgreSQL documents for it (Appendix A, "PostgreSQL
// Error Codes") maps to a PhasedError naming the server, the user, the code and the fix, with the exit code the
// CLI gives it; the password never shows; anything else (a lost connection, the store's own codes, an unknown
// code) passes through for the store's own handling. The errors are pg's own DatabaseError objects.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../cli/exit-codes.js';
import { PhasedError } from '../../../machines/index.js';
import { connectError, serverError } from '../../../store/pg/errors.js';
import { parsePgUrl } from '../../../store/pg/index.js';

const target = parsePgUrl('postgres://team:s3cret-pw@db.internal:5433/backfills');

function pgError(code: string, message: string): pg.DatabaseError {
  const e = new pg.DatabaseError(message, message.length, 'error');
  e.code = code;
  return e;
}

describe('server conditions', () => {
  const cases: [string, string, RegExp, number, boolean][] = [
    [
      '25006',
      'cannot execute INSERT in a read-only transaction',
      /is read-only .*at the primary server/,
      1,
      true,
    ],
    [
      '53100',
      'could not extend file "base/5/16390": No space left on device',
      /is out of disk space/,
      1,
      true,
    ],
    ['53200', 'out of memory', /is out of memory/, 1, true],
    ['53300', 'sorry, too many clients already', /has no connection left/, 1, true],
    ['53400', 'temporary file size exceeds temp_file_limit', /is out of a resource/, 1, true],
    ['57014', 'canceling statement due to statement timeout', /cancelled a statement/, 1, true],
    ['40P01', 'deadlock detected', /deadlock/, 1, true],
    ['58030', 'could not write to file "pg_wal/xlogtemp.1": Input/output error', /system error/, 1, true],
    ['42501', 'permission denied for table events', /refused the store a privilege/, 2, false],
    ['XX001', 'invalid page in block 3 of relation base/5/16390', /data of the store corrupted/, 2, false],
  ];
  for (const [code, message, says, exit, retryable] of cases) {
    it(`${code}: ${message}`, () => {
      const err = serverError(pgError(code, message), target);
      expect(err).toBeInstanceOf(PhasedError);
      const e = err as PhasedError;
      expect(e.message).toContain('PostgreSQL at db.internal:5433/backfills (user team)');
      expect(e.message).toContain(`SQLSTATE ${code}, ${message}`);
      expect(e.message).toMatch(says);
      expect(e.message).not.toContain('s3cret-pw');
      expect(exitCodeFor(e.code)).toBe(exit);
      expect(e.retryable).toBe(retryable);
    });
  }

  it('passes through what the store handles itself, and what it does not know', () => {
    for (const code of ['PH409', 'PH410', '23505', '57P01', '08006', '42P01']) {
      const err = pgError(code, 'x');
      expect(serverError(err, target), code).toBe(err);
    }
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(serverError(refused, target)).toBe(refused);
  });

  it('tells a full server at the first connection as such, not as a bad connection string', () => {
    const e = connectError(target, pgError('53300', 'sorry, too many clients already')) as PhasedError;
    expect(e.message).toMatch(/has no connection left/);
    expect(exitCodeFor(e.code)).toBe(1);
    const bad = connectError(target, pgError('XX000', 'something odd')) as PhasedError;
    expect(bad.message).toMatch(/cannot be used as a phased store/);
    expect(exitCodeFor(bad.code)).toBe(2);
  });
});
