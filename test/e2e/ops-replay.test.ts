// Audit replay of a finished run: the timeline (text and NDJSON), the state as of a mid-run seq or time,
// and --verify passing on the real log and failing, naming the seq, on a tampered one.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cli, events, slowProject, tmp } from '../support/ops.js';

describe('phased replay', () => {
  it('prints the timeline, rebuilds the past and verifies the log', () => {
    const dir = tmp();
    const { plan, dates } = slowProject(dir, { dates: 6 });
    const db = join(dir, 'phased.db');
    expect(cli(db, ['run', plan, '--run-id', 'a1']).code).toBe(0);
    const log = events(db, 'a1');

    const text = cli(db, ['replay', 'a1']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(log.length);
    expect(lines[0]).toMatch(/^\S+\s+1\s+RUN_CREATED\s.*→ active\.prerequisites$/);
    expect(lines.at(-2)).toMatch(/RUN_SUCCEEDED.*→ succeeded$/);
    expect(lines.at(-1)).toMatch(/DRIVER_DETACHED/);
    // The state is printed only where an event changed it, with what it left and entered.
    const changed = lines.filter((l) => l.includes(' → '));
    expect(changed.length).toBeLessThan(lines.length / 2);
    for (const l of lines.filter((l) => /\s(UNIT_STARTED|DRIVER_ATTACHED)\s/.test(l)))
      expect(l).not.toContain('→');
    expect(lines.find((l) => /\sPREREQS_PASSED\s/.test(l))).toMatch(
      /left prerequisites; entered baseline → active\.baseline$/,
    );

    const nd = cli(db, ['--json', 'replay', 'a1']);
    const rows = nd.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.seq)).toEqual(log.map((e) => e.seq));
    expect(rows.at(-2)).toMatchObject({ type: 'RUN_SUCCEEDED', state: 'succeeded', entered: ['succeeded'] });
    // Every row keeps its full state, changed or not.
    rows.forEach((r, i) => {
      expect(r.state).toEqual(JSON.parse(log[i].state));
    });

    // --at a seq in the middle of step a: the progress of that moment, not of the end.
    const aDone = log.filter((e) => e.type === 'UNIT_SUCCEEDED' && e.data.step === 'a');
    const mid = aDone[2].seq;
    const at = cli(db, ['--json', 'replay', 'a1', '--at', String(mid)]);
    expect(at.code, at.stderr).toBe(0);
    const view = JSON.parse(at.stdout);
    const done = log.filter((e) => e.seq <= mid && e.type === 'UNIT_SUCCEEDED' && e.data.step === 'a').length;
    expect(view.seq).toBe(mid);
    expect(view.status).toBe('running');
    expect(view.steps.find((s: { id: string }) => s.id === 'a')).toMatchObject({ done, total: dates.length });
    expect(done).toBeLessThan(dates.length);
    expect(view.state).toEqual(JSON.parse(log[mid - 1].state));
    const asText = cli(db, ['replay', 'a1', '--at', log[mid - 1].at]);
    expect(asText.stdout).toMatch(/^as of seq \d+/);
    expect(cli(db, ['replay', 'a1', '--at', '99999']).code).toBe(2);

    const ok = cli(db, ['replay', 'a1', '--verify']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`${log.length} events verified`);

    // Tamper the recorded state (not hashed): the machine replay catches it.
    const raw = new Database(db);
    const stateSeq = mid + 1;
    const saved = log[stateSeq - 1].state;
    raw
      .prepare('UPDATE events SET state = ? WHERE run_id = ? AND seq = ?')
      .run('"succeeded"', 'a1', stateSeq);
    let bad = cli(db, ['replay', 'a1', '--verify']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`seq ${stateSeq}`);
    raw.prepare('UPDATE events SET state = ? WHERE run_id = ? AND seq = ?').run(saved, 'a1', stateSeq);
    expect(cli(db, ['replay', 'a1', '--verify']).code).toBe(0);

    // Tamper an event's data: the hash chain catches it.
    raw
      .prepare("UPDATE events SET data = json_set(data, '$.rows', 999) WHERE run_id = ? AND seq = ?")
      .run('a1', mid);
    raw.close();
    bad = cli(db, ['replay', 'a1', '--verify']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`seq ${mid}`);
    expect(cli(db, ['replay', 'nope']).code).toBe(2);
  }, 180_000);
});
