// append_single: events appended one per transaction through the real store, synchronous=NORMAL;
// append_contract_ratio_single: that rate over the raw SQL of the same three writes (event row, units upsert,
// run head) one per transaction, measured alongside it; append_floor_ratio: over one-row inserts, for comparison.

import { rawContractRate } from '../support/anatomy.js';
import { type BenchContext, repeat, result, type Scenario, stats, tempDir } from '../support/measure.js';
import { rawInsertRate } from '../support/raw-floor.js';
import { storeAppendRate } from '../support/store-rate.js';

export const appendSingle: Scenario = {
  id: 'append-single',
  names: [
    'append_single',
    'raw_contract_single',
    'append_contract_ratio_single',
    'raw_insert_single',
    'append_floor_ratio',
    'append_single_nba_plan',
  ],
  async run(ctx: BenchContext) {
    const events = ctx.quick ? 3_000 : 20_000;
    const store: number[] = [];
    const raw: number[] = [];
    const contract: number[] = [];
    const bigPlan: number[] = [];
    const tmp = tempDir();
    try {
      // Interleave the two so machine load affects both alike.
      await repeat(ctx.runs, async (i) => {
        const s = await storeAppendRate({
          file: tmp.file(`s${i}.db`),
          events,
          batch: 1,
          synchronous: 'NORMAL',
        });
        const r = rawInsertRate({
          file: tmp.file(`r${i}.db`),
          rows: events,
          batch: 1,
          synchronous: 'NORMAL',
        });
        const c = rawContractRate(tmp.file(`c${i}.db`), events, 1);
        // The same appends on a run whose frozen plan is as large as the NBA plan's.
        const b = await storeAppendRate({
          file: tmp.file(`b${i}.db`),
          events,
          batch: 1,
          synchronous: 'NORMAL',
          planBytes: 38_000,
        });
        if (i >= 0) {
          store.push(s);
          raw.push(r);
          contract.push(c);
          bigPlan.push(b);
        }
        return s;
      });
    } finally {
      tmp.done();
    }
    const ratios = store.map((s, i) => s / raw[i]);
    const contractRatios = store.map((s, i) => s / contract[i]);
    return [
      result('append_single', 'events/s', stats(store), undefined, `${events} events`),
      result(
        'raw_contract_single',
        'events/s',
        stats(contract),
        undefined,
        'floor: event + units + head in raw SQL, 1/tx',
      ),
      result('append_contract_ratio_single', 'ratio', stats(contractRatios), { atLeast: 0.75 }),
      result('raw_insert_single', 'rows/s', stats(raw), undefined, 'one-row inserts, WAL, NORMAL'),
      result('append_floor_ratio', 'ratio', stats(ratios), undefined, 'over one-row inserts'),
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
