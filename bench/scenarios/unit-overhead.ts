// unit_overhead_us (synchronous=NORMAL) and unit_overhead_us_full (synchronous=FULL): microseconds per
// no-op unit run one at a time through the whole stack, two durable events each.

import { driveNoop } from '../support/drive.js';
import { type BenchContext, repeat, result, type Scenario, tempDir } from '../support/measure.js';

export const unitOverhead: Scenario = {
  id: 'unit-overhead',
  names: ['unit_overhead_us', 'unit_overhead_us_full'],
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
      return [
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
