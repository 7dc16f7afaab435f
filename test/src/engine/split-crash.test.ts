// The group commit splits a batch of long units' results (commit-queue nextBatch): a driver killed with SIGKILL
// after the first part is durable and before the rest is appended resumes to the same warehouse and log as a run
// never killed, each partition written once. Real SQLite files, real child processes, real kill -9.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LONG_UNIT_MS, SPLIT_EVENTS } from '../../../src/engine/commit-queue.js';
import { readEvents, tempDir } from '../../support/cli.js';
import { checkExactlyOnce, inDoubtUnits } from '../../support/log-checks.js';

const js = (p: string) => JSON.stringify(pathToFileURL(resolve(p)).href);
const WIDTH = 8;
const UNITS = 48;

// A run of one step at concurrency 8 whose units write their partition to a file. In `run` mode the first eight
// units end together (a barrier), so their results and their successors' starts queue in one turn: 16 events.
const CHILD = `
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createRun, Driver } from ${js('dist/src/engine/index.js')};
import { routeWarehouse } from ${js('dist/src/warehouse/route.js')};
import { openEventStore } from ${js('dist/store/index.js')};
import { NoopWarehouse } from ${js('dist/bench/support/noop-warehouse.js')};
import { benchPlan, calendar } from ${js('dist/bench/support/plan.js')};
const [file, written, mode] = process.argv.slice(1);
const partitions = calendar(${UNITS});
const lines = () => (existsSync(written) ? readFileSync(written, 'utf8').split('\\n').filter(Boolean) : []);
let waiting = [];
class FileWarehouse extends NoopWarehouse {
  async materialize(unit) {
    if (mode === 'run' && lines().length === 0 && waiting !== undefined) {
      await new Promise((r) => {
        waiting.push(r);
        // Released one per macrotask, as timers are: each result and its successor's start queue in turn.
        if (waiting.length === ${WIDTH}) { for (const f of waiting) setImmediate(f); waiting = undefined; }
      });
    } else await new Promise((r) => setTimeout(r, 10));
    appendFileSync(written, unit.partition + '\\n');
    return { rows: 1, ms: 10 };
  }
  async reconcile(unit) {
    return lines().includes(unit.partition) ? { status: 'succeeded', rows: 1 } : { status: 'not-found' };
  }
  async partitionCounts() {
    return new Map(lines().map((p) => [p, 1]));
  }
}
const store = await openEventStore(file);
if (mode === 'run') await createRun(store, benchPlan({ partitions, steps: 1, concurrency: ${WIDTH} }), { runId: 'split' });
const res = await new Driver({ store, runId: 'split', warehouse: routeWarehouse(new FileWarehouse({ partitions })) }).run();
await store.close();
process.stdout.write(JSON.stringify(res) + '\\n');
`;

function child(db: string, written: string, mode: 'run' | 'resume', env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, db, written, mode], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

const writes = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('a split group commit, killed between its parts', () => {
  it('resumes to the same warehouse and final state as an uninterrupted run, each partition written once', () => {
    expect(SPLIT_EVENTS).toBeLessThan(2 * WIDTH);
    expect(10).toBeGreaterThanOrEqual(LONG_UNIT_MS);
    const ref = tempDir('phased-split-ref-');
    const r = child(join(ref, 'phased.db'), join(ref, 'written.txt'), 'run');
    expect(r.status, r.stderr).toBe(0);
    const refEvents = readEvents(join(ref, 'phased.db'), 'split');

    const dir = tempDir('phased-split-');
    const db = join(dir, 'phased.db');
    const written = join(dir, 'written.txt');
    // Passage 1: the first eight UNIT_STARTED. Passage 2: the first part of the split batch that follows.
    const crashed = child(db, written, 'run', { PHASED_CRASH_AT: 'after-append-before-send:2' });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const before = readEvents(db, 'split');
    // The kill came between the parts: half of the eight results and their successors' starts are durable.
    const count = (type: string) => before.filter((e) => e.type === type).length;
    expect(count('UNIT_SUCCEEDED')).toBe(SPLIT_EVENTS / 2);
    expect(count('UNIT_STARTED')).toBe(WIDTH + SPLIT_EVENTS / 2);
    expect(writes(written)).toHaveLength(WIDTH);

    const resumed = child(db, written, 'resume');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout.trim())).toMatchObject({ status: 'succeeded' });
    const events = checkExactlyOnce(db, 'split');
    // Every in-doubt unit was settled once: the four that had written (reconciled), the four that had not (re-run).
    const doubt = inDoubtUnits(events).map((u) => u.resolvedBy.join(' '));
    expect(doubt.filter((d) => d === 'UNIT_SUCCEEDED true')).toHaveLength(WIDTH - SPLIT_EVENTS / 2);
    expect(doubt.filter((d) => d.startsWith('UNIT_STARTED'))).toHaveLength(SPLIT_EVENTS / 2);
    expect(writes(written).sort()).toEqual(writes(join(ref, 'written.txt')).sort());
    expect(new Set(writes(written)).size).toBe(UNITS);
    expect(events[events.length - 1].state).toEqual(refEvents[refEvents.length - 1].state);
    expect(events.filter((e) => e.type === 'UNIT_SUCCEEDED')).toHaveLength(UNITS);
  }, 60_000);
});
