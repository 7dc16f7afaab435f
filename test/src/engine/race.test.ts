// Two writers on one run: appends carry the head they were decided at. Two RunLogs on two connections in this
// process and a child process all try to start the same pending units. Whoever appends second gets CONFLICT,
// folds the events it missed and decides again (finding the unit started). Real SQLite file, real child process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { claimUnit, RunLog } from '../../../src/engine/index.js';
import { openEventStore } from '../../../store/index.js';
import { dates, removeTempDirs, tempDbFile } from '../../store/helpers.js';
import { seedUnitRun } from '../../support/seed.js';

afterAll(removeTempDirs);

const ENGINE_JS = pathToFileURL(resolve('dist/src/engine/index.js')).href;
const STORE_JS = pathToFileURL(resolve('dist/store/index.js')).href;

// The child opens its own connection and RunLog, says it is ready, waits for "go", then claims every partition
// in order and prints how many it started and how many CONFLICTs it folded.
const CHILD = `
import { claimUnit, RunLog } from ${JSON.stringify(ENGINE_JS)};
import { openEventStore } from ${JSON.stringify(STORE_JS)};
const [file, runId, list] = process.argv.slice(1);
const store = await openEventStore(file);
const log = await RunLog.open(store, runId);
let conflicts = 0;
process.stdout.write('ready\\n');
await new Promise((r) => process.stdin.once('data', r));
let started = 0;
for (const p of JSON.parse(list)) {
  const out = await claimUnit(log, 'a', p, { onConflict: () => conflicts++ });
  started += out.length;
}
await store.close();
process.stdout.write(JSON.stringify({ started, conflicts }) + '\\n');
`;

interface ChildResult {
  started: number;
  conflicts: number;
}

function startChild(file: string, runId: string, partitions: string[]) {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CHILD, file, runId, JSON.stringify(partitions)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const ready = new Promise<void>((ok, fail) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith('ready\n')) ok();
    });
    child.on('exit', (code) => fail(new Error(`child exited ${code} before it was ready: ${err}`)));
  });
  const done = new Promise<ChildResult>((ok, fail) => {
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`child exited ${code}: ${err}`));
      ok(JSON.parse(out.trim().split('\n').pop() as string) as ChildResult);
    });
  });
  return { ready, done, go: () => child.stdin.end('go\n') };
}

describe('two writers on one run', () => {
  it('needs the compiled engine (built by the test global setup)', () => {
    expect(existsSync(new URL(ENGINE_JS))).toBe(true);
  });

  it('starts each unit once: the loser gets CONFLICT, folds and re-decides; the log stays gapless', async () => {
    const file = tempDbFile();
    const partitions = dates(120);
    const setup = await openEventStore(file);
    const runId = await seedUnitRun(setup, 'race', partitions);
    const headBefore = (await setup.head(runId)).seq;
    await setup.close();

    // Two connections in this process, one RunLog each, opened at the same head.
    const s1 = await openEventStore(file);
    const s2 = await openEventStore(file);
    const a = await RunLog.open(s1, runId);
    const b = await RunLog.open(s2, runId);
    // Every UNIT_STARTED B's log gains, its own appends and the ones it folded in.
    const startsSeenByB: number[] = [];
    const ownByB = new Set<number>();
    b.onEvent = (stored, event) => {
      if (event.type === 'UNIT_STARTED') startsSeenByB.push(stored.seq);
    };
    const child = startChild(file, runId, partitions);
    await child.ready;

    let conflicts = 0;
    let startedHere = 0;
    const onConflict = () => conflicts++;
    child.go();
    for (const p of partitions) {
      // Both decide on the same snapshot (the unit pending) before either appends.
      const [ra, rb] = await Promise.all([
        claimUnit(a, 'a', p, { onConflict }),
        claimUnit(b, 'a', p, { onConflict }),
      ]);
      expect(ra.length + rb.length).toBeLessThanOrEqual(1);
      for (const e of rb) ownByB.add(e.seq);
      startedHere += ra.length + rb.length;
    }
    const fromChild = await child.done;

    // Every partition started exactly once, by whichever writer appended first.
    const starts = new Map<string, number>();
    let seq = 0;
    for await (const e of s1.events(runId)) {
      expect(e.seq).toBe(++seq);
      if (e.type === 'UNIT_STARTED') {
        const { partition } = JSON.parse(e.data) as { partition: string };
        starts.set(partition, (starts.get(partition) ?? 0) + 1);
      }
    }
    expect(starts.size).toBe(partitions.length);
    expect([...starts.values()].every((n) => n === 1)).toBe(true);
    expect(startedHere + fromChild.started).toBe(partitions.length);
    expect(seq).toBe(headBefore + partitions.length);
    expect(await s1.verifyChain(runId)).toEqual({ ok: true, count: seq });
    const units = await s1.units(runId, { step: 'a' });
    expect(units.map((u) => [u.status, u.attempts])).toEqual(partitions.map(() => ['started', 1]));

    // The in-process pair raced on every partition: the loser of each round got CONFLICT and folded the
    // winner's UNIT_STARTED (B saw A's starts through the fold, not through its own appends).
    expect(conflicts).toBeGreaterThan(0);
    expect(startsSeenByB.some((q) => !ownByB.has(q))).toBe(true);
    // Both logs, brought to the head, agree with the log's recorded state.
    await a.sync();
    await b.sync();
    expect(a.seq).toBe(seq);
    expect(b.seq).toBe(seq);
    expect(JSON.stringify(b.snapshot.value)).toBe(JSON.stringify(a.snapshot.value));
    await s1.close();
    await s2.close();
  });
});
