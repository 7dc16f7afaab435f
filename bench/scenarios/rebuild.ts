// rebuild_ms_1e4/_1e5/_1e6: time to rebuild a run's live state (RunLog.open with verify, as resume does:
// latest snapshot, chain check of the tail, tail replay) from logs of 10⁴, 10⁵, 10⁶ events;
// verify_events_per_s: full `replay --verify` (whole hash chain + every event through a fresh machine).

import { join } from 'node:path';
import { RunLog } from '../../src/engine/index.js';
import { verifyRun } from '../../src/observe/index.js';
import { openEventStore } from '../../store/index.js';
import { lastJson, runNode, SUPPORT_DIR } from '../support/child.js';
import { LONG_RUN_BATCH, writeLongRun } from '../support/long-run.js';
import {
  type BenchContext,
  type Result,
  repeat,
  result,
  type Scenario,
  stats,
  tempDir,
} from '../support/measure.js';

const SIZES: [name: string, full: number, quick: number][] = [
  ['rebuild_ms_1e4', 10_000, 1_000],
  ['rebuild_ms_1e5', 100_000, 10_000],
  ['rebuild_ms_1e6', 1_000_000, 30_000],
];

export const rebuild: Scenario = {
  id: 'rebuild',
  names: [...SIZES.map((s) => s[0]), 'verify_events_per_s', 'long_log_write_events_per_s', 'rss_mb_1e6'],
  async run(ctx: BenchContext) {
    const out: Result[] = [];
    const tmp = tempDir();
    // --quick shrinks the logs, so figures whose targets are about their size get no verdict there.
    const sized = <G>(goal: G): G | undefined => (ctx.quick ? undefined : goal);
    const quickNote = ctx.quick ? ' (quick: reduced size, no verdict)' : '';
    try {
      let largest = { file: '', runId: '', events: 0, partitions: [] as string[] };
      const writeRates: number[] = [];
      for (const [name, full, quick] of SIZES) {
        const n = ctx.quick ? quick : full;
        const t0 = performance.now();
        const run = await writeLongRun(tmp.file(`${name}.db`), n);
        writeRates.push(run.events / ((performance.now() - t0) / 1000));
        largest = run;
        // As a resume does it: a fresh connection (its page cache cold), then the verified rebuild.
        const s = await repeat(ctx.runs, async () => {
          const t = performance.now();
          const store = await openEventStore(run.file, { readonly: true });
          try {
            const log = await RunLog.open(store, run.runId, { verify: true });
            const ms = performance.now() - t;
            if (log.seq !== run.events) throw new Error(`rebuilt to seq ${log.seq}, expected ${run.events}`);
            return ms;
          } finally {
            await store.close();
          }
        });
        out.push(result(name, 'ms', s, sized({ atMost: 50 }), `${run.events} events${quickNote}`));
      }
      out.push(
        result(
          'long_log_write_events_per_s',
          'events/s',
          stats(writeRates),
          undefined,
          `RunLog.commit, ${LONG_RUN_BATCH}/tx`,
        ),
      );
      const events = await openEventStore(largest.file, { readonly: true });
      try {
        // A full replay of 10⁶ events takes tens of seconds: at most 3 measured runs unless --runs says more.
        const runs = ctx.quick ? 1 : ctx.runsGiven ? ctx.runs : 3;
        const s = await repeat(runs, async () => {
          const t = performance.now();
          const rep = await verifyRun(events, largest.runId);
          const sec = (performance.now() - t) / 1000;
          if (!rep.ok || rep.events !== largest.events)
            throw new Error(`verify failed: ${JSON.stringify(rep)}`);
          return rep.events / sec;
        });
        out.push(
          result(
            'verify_events_per_s',
            'events/s',
            s,
            sized({ atLeast: 50_000 }),
            `${largest.events} events${quickNote}`,
          ),
        );
      } finally {
        await events.close();
      }
      // Peak RSS of a fresh process that replays the whole log and then drives the run to the end.
      const rss = await runNode(join(SUPPORT_DIR, 'rss-child.js'), [
        largest.file,
        largest.runId,
        String(largest.partitions.length),
      ]);
      const got = lastJson<{ status: string; maxRssMb: number }>(rss.stdout);
      if (got.status !== 'succeeded') throw new Error(`rss child: run ended ${got.status}`);
      const note = `${largest.events} events, replay --verify then drive to the end; one run${quickNote}`;
      out.push(result('rss_mb_1e6', 'MB', stats([got.maxRssMb]), sized({ atMost: 150 }), note));
      return out;
    } finally {
      tmp.done();
    }
  },
};
