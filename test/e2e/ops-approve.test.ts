// approve on a blocked gate: GATE_OVERRIDDEN with the reason on record, the next phase starts on resume;
// approving a gate that is not blocked, an unknown gate or without a reason exits 2 and appends nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, events, slowProject, tmp } from '../support/ops.js';
import { dateList } from '../support/synthetic.js';

describe('phased approve', () => {
  it('passes a blocked gate on record and the next phase starts', () => {
    const dir = tmp();
    const db = join(dir, 'phased.db');
    // A hole in the source: phase p1's tables miss a date, so gate p1 (min coverage 1) blocks.
    const { plan } = slowProject(dir, { dates: 6, holes: [dateList(6)[2]] });
    const first = cli(db, ['run', plan, '--run-id', 'g1']);
    expect(first.code, first.stderr).toBe(1);
    let log = events(db, 'g1');
    expect(log.some((e) => e.type === 'GATE_FAILED' && e.data.gate === 'p1')).toBe(true);
    const n = log.length;

    const refused = [
      ['approve', 'g1', '--gate', 'p2', '--reason', 'too early'],
      ['approve', 'g1', '--gate', 'nope', '--reason', 'x'],
      ['approve', 'g1', '--gate', 'p1', '--reason', '  '],
      ['approve', 'g1', '--gate', 'p1'],
      ['retry', 'g1'],
    ];
    for (const args of refused) {
      const r = cli(db, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^phased: /);
    }
    expect(cli(db, ['approve', 'g1', '--gate', 'p2', '--reason', 'x']).stderr).toContain('pending');
    expect(events(db, 'g1').length).toBe(n);

    const ok = cli(db, ['approve', 'g1', '--gate', 'p1', '--reason', 'hole is a known outage day']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('GATE_OVERRIDDEN');
    expect(ok.stdout).toContain('phased resume g1');
    log = events(db, 'g1');
    const over = log.at(-1);
    expect(over).toMatchObject({
      type: 'GATE_OVERRIDDEN',
      data: { gate: 'p1', reason: 'hole is a known outage day' },
    });
    expect(cli(db, ['approve', 'g1', '--gate', 'p1', '--reason', 'again']).stderr).toContain('overridden');

    // The run continues with phase p2 (whose own gate then blocks on the same hole).
    const resume = cli(db, ['resume', 'g1']);
    expect(resume.code).toBe(1);
    const after = events(db, 'g1').filter((e) => e.seq > (over?.seq ?? 0));
    expect(after.some((e) => e.type === 'UNIT_STARTED' && e.data.step === 'd')).toBe(true);
    expect(after.some((e) => e.type === 'GATE_FAILED' && e.data.gate === 'p2')).toBe(true);
  }, 180_000);
});
