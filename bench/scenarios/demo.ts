// demo_wall_s: `phased demo` (sample NBA warehouse + the NBA plan) as a child process, spawn to exit;
// demo_overhead_share: the share of the driven span with no warehouse SQL in flight (read from the log).
// The demo takes most of a minute, so --quick reports it as not run rather than a reduced figure.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openEventStore } from '../../store/index.js';
import { CLI_MAIN, runNode } from '../support/child.js';
import { type BenchContext, result, type Scenario, skipped, stats, tempDir } from '../support/measure.js';
import { sqlTimeOf } from '../support/sql-time.js';

const WALL = { atMost: 60 };
const SHARE = { atMost: 0.1 };

export const demo: Scenario = {
  id: 'demo',
  names: ['demo_wall_s', 'demo_run_s', 'demo_overhead_share'],
  async run(ctx: BenchContext) {
    if (ctx.quick) {
      const note = 'not run with --quick: the full demo takes most of a minute';
      return [
        skipped('demo_wall_s', 's', WALL, note),
        skipped('demo_run_s', 's', undefined, note),
        skipped('demo_overhead_share', 'share', SHARE, note),
      ];
    }
    const walls: number[] = [];
    const runs: number[] = [];
    const shares: number[] = [];
    // Each demo run takes most of a minute: one run unless --runs asks for more (no warm-up: every run regenerates
    // the warehouse from scratch anyway).
    const n = ctx.runsGiven ? ctx.runs : 1;
    for (let i = 0; i < n; i++) {
      const tmp = tempDir();
      try {
        const r = await runNode(CLI_MAIN, ['demo', '--dir', tmp.dir, '--run-id', 'demo']);
        walls.push((r.exitedAt - r.spawnedAt) / 1000);
        const db = join(tmp.dir, 'phased.db');
        if (!existsSync(db)) throw new Error('phased demo left no phased.db in its --dir');
        const store = await openEventStore(db, { readonly: true });
        try {
          const t = await sqlTimeOf(store, 'demo');
          runs.push(t.drivenMs / 1000);
          shares.push(1 - t.sqlMs / t.drivenMs);
        } finally {
          await store.close();
        }
      } finally {
        tmp.done();
      }
    }
    return [
      result(
        'demo_wall_s',
        's',
        stats(walls),
        WALL,
        'spawn to exit, includes generating the sample warehouse',
      ),
      result('demo_run_s', 's', stats(runs), undefined, 'DRIVER_ATTACHED to DRIVER_DETACHED'),
      result(
        'demo_overhead_share',
        'share',
        stats(shares),
        SHARE,
        'driven span with no warehouse SQL in flight',
      ),
    ];
  },
};
