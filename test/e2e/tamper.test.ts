// Tampering is caught: one changed byte in one event's data makes verification name the seq, and resume
// refuses the run (exit 2) without appending anything.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import { readEvents, runCli, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

function flipOneByte(db: string, runId: string, seq: number): void {
  const d = new Database(db);
  const row = d.prepare('SELECT data FROM events WHERE run_id = ? AND seq = ?').get(runId, seq) as {
    data: string;
  };
  const i = row.data.indexOf('2024-');
  const changed = `${row.data.slice(0, i + 3)}${row.data[i + 3] === '4' ? '5' : '4'}${row.data.slice(i + 4)}`;
  d.prepare('UPDATE events SET data = ? WHERE run_id = ? AND seq = ?').run(changed, runId, seq);
  d.close();
}

it('verify names the tampered seq and resume refuses without appending', () => {
  const dir = tempDir('phased-tamper-');
  const p = makeSyntheticProject(dir, { dates: 12 });
  const db = join(dir, 'phased.db');
  const crashed = runCli(['--db', db, 'run', p.plan, '--run-id', 't1'], {
    env: { PHASED_CRASH_AT: 'after-unit-started:20', PHASED_SNAPSHOT_EVERY: '10' },
  });
  expect(crashed.signal).toBe('SIGKILL');
  const events = readEvents(db, 't1');
  const target = events.findLast((e) => e.type === 'UNIT_STARTED');
  expect(target).toBeDefined();
  flipOneByte(db, 't1', target!.seq);

  const store = openStore(db, { readonly: true });
  const report = store.verifyChain('t1');
  store.close();
  expect(report).toMatchObject({ ok: false, firstBadSeq: target!.seq });

  const r = runCli(['--db', db, 'resume', 't1']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`seq ${target!.seq}`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(readEvents(db, 't1')).toHaveLength(events.length);
});
