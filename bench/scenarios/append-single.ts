// append_single: events appended one per transaction through the real store, synchronous=NORMAL;
// append_floor_ratio: that rate over raw better-sqlite3 single-row inserts measured alongside it.

import { type BenchContext, repeat, result, type Scenario, stats, tempDir } from '../support/measure.js';
import { rawInsertRate } from '../support/raw-floor.js';
import { storeAppendRate } from '../support/store-rate.js';

export const appendSingle: Scenario = {
  id: 'append-single',
  names: ['append_single', 'raw_insert_single', 'append_floor_ratio', 'append_single_nba_plan'],
  async run(ctx: BenchContext) {
    const events = ctx.quick ? 3_000 : 20_000;
    const store: number[] = [];
    const raw: number[] = [];
    const bigPlan: number[] = [];
    const tmp = tempDir();
    try {
      // Interleave the two so machine load affects both alike.
      await repeat(ctx.runs, (i) => {
        const s = storeAppendRate({ file: tmp.file(`s${i}.db`), events, batch: 1, synchronous: 'NORMAL' });
        const r = rawInsertRate({
          file: tmp.file(`r${i}.db`),
          rows: events,
          batch: 1,
          synchronous: 'NORMAL',
        });
        // The same appends on a run whose frozen plan is as large as the NBA plan's.
        const b = storeAppendRate({
          file: tmp.file(`b${i}.db`),
          events,
          batch: 1,
          synchronous: 'NORMAL',
          planBytes: 38_000,
        });
        if (i >= 0) {
          store.push(s);
          raw.push(r);
          bigPlan.push(b);
        }
        return s;
      });
    } finally {
      tmp.done();
    }
    const ratios = store.map((s, i) => s / raw[i]);
    return [
      result('append_single', 'events/s', stats(store), { atLeast: 40_000 }, `${events} events`),
      result('raw_insert_single', 'rows/s', stats(raw), undefined, 'floor: better-sqlite3, WAL, NORMAL'),
      result('append_floor_ratio', 'ratio', stats(ratios), { atLeast: 0.6 }),
      result(
        'append_single_nba_plan',
        'events/s',
        stats(bigPlan),
        undefined,
        `${events} events, 38 KB plan_json`,
      ),
    ];
  },
};
