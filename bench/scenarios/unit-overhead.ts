// unit_overhead_us (synchronous=NORMAL) and unit_overhead_us_full (synchronous=FULL): microseconds per
// no-op unit run one at a time through the whole stack, two durable events each.

import { driveNoop } from '../support/drive.js';
import { type BenchContext, repeat, result, type Scenario, tempDir } from '../support/measure.js';

export const unitOverhead: Scenario = {
  id: 'unit-overhead',
  names: ['unit_overhead_us', 'unit_overhead_us_full'],
  async run(ctx: BenchContext) {
    const units = ctx.quick ? 1_000 : 10_000;
    const tmp = tempDir();
    try {
      const per = (synchronous: 'NORMAL' | 'FULL') =>
        repeat(ctx.runs, async (i) => {
          const t = await driveNoop({
            file: tmp.file(`${synchronous}${i}.db`),
            units,
            concurrency: 1,
            synchronous,
          });
          return (t.unitsMs * 1000) / units;
        });
      const note = `${units} units, concurrency 1`;
      return [
        result('unit_overhead_us', 'µs/unit', await per('NORMAL'), { atMost: 100 }, note),
        result('unit_overhead_us_full', 'µs/unit', await per('FULL'), { atMost: 300 }, note),
      ];
    } finally {
      tmp.done();
    }
  },
};
