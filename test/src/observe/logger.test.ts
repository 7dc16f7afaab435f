// The run's log: a snapshot the run could not save is a warning line naming its seq and the cause (the run goes
// on). Real pino, writing to a stream the test reads.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logSnapshotError } from '../../../src/observe/index.js';

describe('logSnapshotError', () => {
  it('writes a warning with the seq and the cause', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info', base: { run: 'r1' } }, { write: (l: string) => lines.push(l) });
    logSnapshotError(logger)(64, new Error('canceling statement due to statement timeout'));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ level: 40, run: 'r1', seq: 64 });
    expect(line.error).toBe('canceling statement due to statement timeout');
    expect(line.msg).toMatch(/^snapshot at seq 64 not saved: the run goes on/);
  });
});
