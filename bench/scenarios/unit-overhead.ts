// unit_overhead_us (synchronous=NORMAL) and unit_overhead_us_full (synchronous=FULL): microseconds per
// no-op unit run one at a time through the whole stack, two durable events each. raw_commit_us_full: one
// single-row commit with synchronous=FULL on raw better-sqlite3 (an fsync), the floor under the FULL figure.

import { driveNoop } from '../support/drive.js';
import { type BenchContext, repeat, result, type Scenario, tempDir } from '../support/measure.js';
import { rawInsertRate } from '../support/raw-floor.js';

export const unitOverhead: Scenario = {
  id: 'unit-overhead',
  names: ['unit_overhead_us', 'unit_overhead_us_full', 'raw_commit_us_full'],
  async run(ctx: BenchContext) {
    const units = ctx.quick ? 1_000 : 10_000;
    // FULL pays an fsync per commit: fewer units keep --quick short.
    const fullUnits = ctx.quick ? 200 : 2_000;
    const tmp = tempDir();
    try {
      const per = (synchronous: 'NORMAL' | 'FULL', n: number) =>
        repeat(ctx.runs, async (i) => {
          const file = tmp.file(`${synchronous}${i}.db`);
          const t = await driveNoop({ file, units: n, concurrency: 1, synchronous });
          return (t.unitsMs * 1000) / n;
        });
      const fsyncFloor = await repeat(ctx.runs, (i) => {
        const rate = rawInsertRate({
          file: tmp.file(`raw${i}.db`),
          rows: fullUnits,
          batch: 1,
          synchronous: 'FULL',
        });
        return 1_000_000 / rate;
      });
      return [
        result(
          'raw_commit_us_full',
          'µs/commit',
          fsyncFloor,
          undefined,
          `floor: ${fullUnits} single-row commits, raw better-sqlite3, FULL`,
        ),
        result(
          'unit_overhead_us',
          'µs/unit',
          await per('NORMAL', units),
          { atMost: 100 },
          `${units} units, c1`,
        ),
        result(
          'unit_overhead_us_full',
          'µs/unit',
          await per('FULL', fullUnits),
          { atMost: 300 },
          `${fullUnits} units, c1`,
        ),
      ];
    } finally {
      tmp.done();
    }
  },
};
