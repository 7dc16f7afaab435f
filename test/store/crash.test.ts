// Crash safety: a child process appending in a loop is killed with SIGKILL (also mid-snapshot, and while its
// checkpoint worker copies the WAL); the reopened log verifies, has contiguous seqs, and its projection equals a
// rebuild.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import { removeTempDirs, tempDbFile } from './helpers.js';

afterAll(removeTempDirs);

const STORE_JS = pathToFileURL(resolve('dist/store/index.js')).href;

// The child appends one unit event per transaction (plus a baseline and periodic snapshots) and
// prints each committed head with the checkpoints its worker finished so far; in mode 'snapshot' it kills itself
// inside a snapshot transaction; in mode 'checkpoint' its worker is asked for a checkpoint every other commit.
const CHILD = `
import { openStore } from ${JSON.stringify(STORE_JS)};
const [file, mode] = process.argv.slice(1);
const checkpoint = mode === 'checkpoint' ? { commits: 2, events: 1000 } : undefined;
const store = openStore(file, { snapshotEvery: 50, checkpoint });
const run = 'crash-run';
if (!store.getRun(run)) store.createRun({ runId: run, planName: 'p', planHash: 'h', planJson: '{}', machineVersion: '1', createdAt: new Date().toISOString() });
const at = () => new Date().toISOString();
const parts = Array.from({ length: 100000 }, (_, i) => 'p' + i);
let seq = store.head(run).seq;
if (seq === 0) seq = store.append(run, 0, [{ event: { type: 'BASELINE_RECORDED', partitions: parts.length, steps: [{ step: 'a', expected: parts.length, present: 0, missing: parts.length, toRun: parts }] }, at: at(), state: 'baseline', status: 'running' }]).at(-1).seq;
for (let i = 0; ; i++) {
  // Round the calendar again if the kill is slow to come (a loaded machine's checkpoints lag the writer).
  const partition = parts[(i >> 1) % parts.length];
  const event = i % 2 === 0 ? { type: 'UNIT_STARTED', step: 'a', partition, attempt: 1, reason: 'first' } : { type: 'UNIT_SUCCEEDED', step: 'a', partition, attempt: 1, rows: i, ms: 1 };
  seq = store.append(run, seq, [{ event, at: at(), state: { n: i }, status: 'running' }]).at(-1).seq;
  if (seq % store.snapshotEvery === 0) {
    const crash = mode === 'snapshot' && seq >= 400;
    store.saveSnapshot(run, seq, { n: i, seq }, { beforeCommit: crash ? () => process.kill(process.pid, 'SIGKILL') : undefined });
  }
  process.stdout.write(seq + ' ' + (store.checkpointer?.completed ?? 0) + '\\n');
}
`;

/**
 * Runs the child until it has committed `atLeast` events after `checkpoints` finished checkpoints (or kills itself),
 * then SIGKILLs it.
 */
function runAndKill(
  file: string,
  mode: 'loop' | 'snapshot' | 'checkpoint',
  atLeast: number,
  checkpoints = 0,
): Promise<{ lastSeen: number; checkpoints: number; signal: string | null }> {
  return new Promise((done, fail) => {
    const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', CHILD, file, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastSeen = 0;
    let seenCheckpoints = 0;
    let buf = '';
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.stdout?.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      if (lines.length > 0) [lastSeen, seenCheckpoints] = lines[lines.length - 1].split(' ').map(Number);
      const due = lastSeen >= atLeast && seenCheckpoints >= checkpoints;
      if (due && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') fail(new Error(`child exited with ${code}/${signal}: ${stderr}`));
      else done({ lastSeen, checkpoints: seenCheckpoints, signal });
    });
  });
}

describe('crash safety', () => {
  it('needs the compiled store (built by the test global setup)', () => {
    expect(existsSync(new URL(STORE_JS))).toBe(true);
  });

  it('loses nothing committed when the appending process is SIGKILLed, and resumes the chain', async () => {
    const file = tempDbFile();
    const first = await runAndKill(file, 'loop', 1500);
    const store = openStore(file);
    const run = 'crash-run';
    const head = store.head(run).seq;
    expect(head).toBeGreaterThanOrEqual(first.lastSeen);
    expect(store.verifyChain(run)).toEqual({ ok: true, count: head });
    expect(store.requireRun(run).headSeq).toBe(head);
    let expected = 1;
    for (const e of store.events(run)) expect(e.seq).toBe(expected++);
    const incremental = store.units(run);
    expect(incremental.filter((u) => u.status !== 'pending').length).toBeGreaterThan(700);
    store.rebuildProjection(run);
    expect(store.units(run)).toEqual(incremental);
    expect(store.latestSnapshot(run)?.seq).toBeGreaterThan(0);
    store.close();

    // A second process picks the log up where it stopped.
    const second = await runAndKill(file, 'loop', head + 200);
    const again = openStore(file);
    expect(second.lastSeen).toBeGreaterThanOrEqual(head + 200);
    expect(again.verifyChain(run)).toEqual({ ok: true, count: again.head(run).seq });
    again.close();
  });

  it('keeps the previous snapshot when killed inside a snapshot transaction', async () => {
    const file = tempDbFile();
    const out = await runAndKill(file, 'snapshot', Number.MAX_SAFE_INTEGER);
    const store = openStore(file);
    const run = 'crash-run';
    // The child died while saving the snapshot at seq 400: that one never committed.
    expect(out.lastSeen).toBe(399);
    expect(store.head(run).seq).toBe(400);
    expect(store.latestSnapshot(run)).toMatchObject({ seq: 350, snapshot: { seq: 350 } });
    expect(store.verifyChain(run)).toEqual({ ok: true, count: 400 });
    store.close();
  });

  it('loses nothing when killed while its worker checkpoints the WAL, again and again', async () => {
    const file = tempDbFile();
    const run = 'crash-run';
    let head = 0;
    // Each life commits 300 more events, a checkpoint asked for every other commit: the kill lands while the worker
    // is copying pages (or between two of its checkpoints), never after the last one settled.
    for (let life = 1; life <= 3; life++) {
      const out = await runAndKill(file, 'checkpoint', head + 300, 10);
      expect(out.checkpoints).toBeGreaterThanOrEqual(10);
      const store = openStore(file, { checkpoint: false });
      head = store.head(run).seq;
      expect(head).toBeGreaterThanOrEqual(out.lastSeen);
      expect(store.verifyChain(run)).toEqual({ ok: true, count: head });
      let expected = 1;
      for (const e of store.events(run)) expect(e.seq).toBe(expected++);
      const incremental = store.units(run);
      store.rebuildProjection(run);
      expect(store.units(run)).toEqual(incremental);
      store.close();
    }
  });
});
