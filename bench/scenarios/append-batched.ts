// append_batched: the same events appended 100 per transaction (the driver's group commit path),
// next to raw better-sqlite3 inserts in transactions of 100.

import { type BenchContext, repeat, result, type Scenario, stats, tempDir } from '../support/measure.js';
import { rawInsertRate } from '../support/raw-floor.js';
import { storeAppendRate } from '../support/store-rate.js';

const BATCH = 100;

export const appendBatched: Scenario = {
  id: 'append-batched',
  names: ['append_batched', 'raw_insert_batched'],
  async run(ctx: BenchContext) {
    const events = ctx.quick ? 10_000 : 200_000;
    const raw: number[] = [];
    const tmp = tempDir();
    try {
      const s = await repeat(ctx.runs, (i) => {
        const rate = storeAppendRate({
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
      return [
        result('append_batched', 'events/s', s, { atLeast: 200_000 }, `${events} events, ${BATCH}/tx`),
        result('raw_insert_batched', 'rows/s', stats(raw), undefined, `floor: ${BATCH} rows/tx, NORMAL`),
      ];
    } finally {
      tmp.done();
    }
  },
};
