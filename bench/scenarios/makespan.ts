// makespan_efficiency: simulated 10 ms units at concurrency 16; ideal (units × 10 ms ÷ 16) over the
// measured span from the first UNIT_STARTED to the last UNIT_SUCCEEDED.

import { driveNoop } from '../support/drive.js';
import { type BenchContext, repeat, result, type Scenario, tempDir } from '../support/measure.js';
import { timerPoolMs } from '../support/timer-pool.js';

const UNIT_MS = 10;
const C = 16;

export const makespan: Scenario = {
  id: 'makespan',
  names: ['makespan_efficiency', 'makespan_timer_floor'],
  async run(ctx: BenchContext) {
    const units = ctx.quick ? 400 : 2_000;
    const ideal = (units * UNIT_MS) / C;
    const tmp = tempDir();
    try {
      const s = await repeat(ctx.runs, async (i) => {
        const t = await driveNoop({ file: tmp.file(`m${i}.db`), units, concurrency: C, delayMs: UNIT_MS });
        return ideal / t.unitsMs;
      });
      const floor = await repeat(ctx.runs, async () => ideal / (await timerPoolMs(units, UNIT_MS, C)));
      return [
        result('makespan_timer_floor', 'ideal/actual', floor, undefined, 'plain setTimeout pool, no phased'),
        result(
          'makespan_efficiency',
          'ideal/actual',
          s,
          { atLeast: 0.95 },
          `${units} × ${UNIT_MS} ms units, c${C}`,
        ),
      ];
    } finally {
      tmp.done();
    }
  },
};
