// A run created while another unfinished run writes some of the same partitions (same warehouse, same table,
// dates that meet) gets a note naming that run, the tables and dates, and the command that cancels it; runs
// on other dates, on another warehouse, or already over get none. Nothing is refused: the note is on stderr.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { makeSyntheticProject } from '../support/synthetic.js';

it('notes the unfinished runs a new run shares partitions with, and only those', () => {
  const dir = tempDir('phased-overlap-');
  const p = makeSyntheticProject(join(dir, 'p'), { dates: 6 });
  const other = makeSyntheticProject(join(dir, 'q'), { dates: 6 });
  const db = join(dir, 'phased.db');
  const run = (id: string, plan: string, ...more: string[]) =>
    runCli(['--db', db, 'run', plan, '--run-id', id, '--detach', ...more]);

  const first = run('o1', p.plan);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stderr).not.toContain('note:');

  const second = run('o2', p.plan);
  expect(second.code, second.stderr).toBe(0);
  const note = second.stderr.match(/^phased: note: run o1 .*$/m)?.[0] ?? '';
  expect(note).toContain('run o1 (created) also writes a, b, c and 2 more for 2024-01-01 … 2024-01-06');
  expect(note).toContain('If run o2 replaces it, cancel it:');
  // Another warehouse, and dates the others do not cover: nothing to note.
  expect(run('q1', other.plan).stderr).not.toContain('note:');
  const later = run('o3', p.plan, '--start', '2024-01-07', '--end', '2024-01-08');
  expect(later.code, later.stderr).toBe(0);
  expect(later.stderr).not.toContain('note:');

  // The command in the note works as shown (from where run was called); a cancelled run is over: no note for it.
  const cancel = note.match(/`(.+ cancel o1 .+)`$/)?.[1];
  expect(cancel, note).toBeDefined();
  const cancelled = spawnSync('sh', ['-c', cancel as string], { encoding: 'utf8', timeout: 60_000 });
  expect(cancelled.status, cancelled.stderr).toBe(0);
  const third = run('o4', p.plan);
  expect(third.stderr).not.toMatch(/run o1 /);
  expect(third.stderr).toMatch(/^phased: note: run o2 \(created\) also writes /m);
});
