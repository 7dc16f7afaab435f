// append_batched: the same events appended 100 per transaction, next to raw one-row inserts in transactions
// of 100; append_contract_ratio_batched: the store at 32 events per transaction (the driver's group commit of a
// concurrency-16 wave) over the raw SQL of the same three writes at 32 per transaction, measured alongside.

import { rawContractRate } from '../support/anatomy.js';
import { type BenchContext, repeat, result, type Scenario, stats, tempDir } from '../support/measure.js';
import { rawInsertRate } from '../support/raw-floor.js';
import { storeAppendRate } from '../support/store-rate.js';

const BATCH = 100;
/** The driver's group commit at concurrency 16: 16 UNIT_SUCCEEDED + 16 UNIT_STARTED. */
const WAVE = 32;

export const appendBatched: Scenario = {
  id: 'append-batched',
  names: [
    'append_batched',
    'raw_insert_batched',
    'append_batched_32',
    'raw_contract_batched_32',
    'append_contract_ratio_batched',
  ],
  async run(ctx: BenchContext) {
    const events = ctx.quick ? 10_000 : 200_000;
    const raw: number[] = [];
    const tmp = tempDir();
    try {
      const s = await repeat(ctx.runs, async (i) => {
        const rate = await storeAppendRate({
          file: tmp.file(`s${i}.db`),
          events,
          batch: BATCH,
          synchronous: 'NORMAL',
        });
        const r = rawInsertRate({
          file: tmp.file(`r${i}.db`),
          rows: events,
          batch: BATCH,
          synchronous: 'NORMAL',
        });
        if (i >= 0) raw.push(r);
        return rate;
      });
      const store32: number[] = [];
      const contract32: number[] = [];
      await repeat(ctx.runs, async (i) => {
        const s32 = await storeAppendRate({
          file: tmp.file(`s32-${i}.db`),
          events,
          batch: WAVE,
          synchronous: 'NORMAL',
        });
        const c32 = rawContractRate(tmp.file(`c32-${i}.db`), events, WAVE);
        if (i >= 0) {
          store32.push(s32);
          contract32.push(c32);
        }
        return s32;
      });
      const ratios = store32.map((x, i) => x / contract32[i]);
      return [
        result('append_batched', 'events/s', s, undefined, `${events} events, ${BATCH}/tx`),
        result(
          'raw_insert_batched',
          'rows/s',
          stats(raw),
          undefined,
          `one-row inserts, ${BATCH} rows/tx, NORMAL`,
        ),
        result('append_batched_32', 'events/s', stats(store32), undefined, `${events} events, ${WAVE}/tx`),
        result(
          'raw_contract_batched_32',
          'events/s',
          stats(contract32),
          undefined,
          `floor: event + units + head in raw SQL, ${WAVE}/tx`,
        ),
        result('append_contract_ratio_batched', 'ratio', stats(ratios), { atLeast: 0.6 }),
      ];
    } finally {
      tmp.done();
    }
  },
};
