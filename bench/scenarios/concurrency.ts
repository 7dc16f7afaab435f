// units_per_s_c16: no-op units per second at concurrency 16, where the driver group-commits the events
// that arrive in the same turn.

import { driveNoop } from '../support/drive.js';
import { type BenchContext, repeat, result, type Scenario, tempDir } from '../support/measure.js';

export const concurrency: Scenario = {
  id: 'concurrency',
  names: ['units_per_s_c16'],
  async run(ctx: BenchContext) {
    const units = ctx.quick ? 2_000 : 10_000;
    const tmp = tempDir();
    try {
      const s = await repeat(ctx.runs, async (i) => {
        const t = await driveNoop({ file: tmp.file(`c${i}.db`), units, concurrency: 16 });
        return units / (t.unitsMs / 1000);
      });
      return [result('units_per_s_c16', 'units/s', s, { atLeast: 15_000 }, `${units} units`)];
    } finally {
      tmp.done();
    }
  },
};
