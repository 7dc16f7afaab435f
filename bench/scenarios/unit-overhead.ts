// unit_overhead_us (synchronous=NORMAL) and unit_overhead_us_full (synchronous=FULL): microseconds per
// no-op unit run one at a time through the whole stack, two durable events each. raw_commit_us_full: one
// single-row commit with synchronous=FULL on raw better-sqlite3 (an fsync), the floor under the FULL figure.
// unit_floor_us: what a unit cannot avoid, measured in the same run: one raw two-event commit of the append's
// three writes (support/anatomy.ts) plus two sends to a plain actor of the same machine (support/actor-floor.ts);
// unit_overhead_floor_ratio = unit_overhead_us over it.

import { actorSendsUs } from '../support/actor-floor.js';
import { rawContractRate } from '../support/anatomy.js';
import { driveNoop } from '../support/drive.js';
import { type BenchContext, repeat, result, type Scenario, stats, tempDir } from '../support/measure.js';
import { rawInsertRate } from '../support/raw-floor.js';

export const unitOverhead: Scenario = {
  id: 'unit-overhead',
  names: [
    'unit_overhead_us',
    'unit_floor_us',
    'unit_overhead_floor_ratio',
    'unit_overhead_us_full',
    'raw_commit_us_full',
  ],
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
      // Interleave the driven units with their floor so machine load affects both alike.
      const driven: number[] = [];
      const floors: number[] = [];
      await repeat(ctx.runs, async (i) => {
        const t = await driveNoop({ file: tmp.file(`n${i}.db`), units, concurrency: 1 });
        const commitUs = (2 * 1_000_000) / rawContractRate(tmp.file(`f${i}.db`), units * 2, 2);
        const floor = commitUs + actorSendsUs(units);
        if (i >= 0) {
          driven.push((t.unitsMs * 1000) / units);
          floors.push(floor);
        }
        return floor;
      });
      const ratios = driven.map((d, i) => d / floors[i]);
      return [
        result(
          'raw_commit_us_full',
          'µs/commit',
          fsyncFloor,
          undefined,
          `floor: ${fullUnits} single-row commits, raw better-sqlite3, FULL`,
        ),
        result('unit_overhead_us', 'µs/unit', stats(driven), { atMost: 120 }, `${units} units, c1`),
        result(
          'unit_floor_us',
          'µs/unit',
          stats(floors),
          undefined,
          'raw two-event commit of the three writes + two actor sends',
        ),
        result('unit_overhead_floor_ratio', 'ratio', stats(ratios), { atMost: 1.5 }),
        result(
          'unit_overhead_us_full',
          'µs/unit',
          await per('FULL', fullUnits),
          undefined,
          `${fullUnits} units, c1; bounded by raw_commit_us_full (one fsync per unit)`,
        ),
      ];
    } finally {
      tmp.done();
    }
  },
};
