// append_cpu_us_*: the CPU cost per event of each table an append writes (support/anatomy.ts), single
// and batched; shows which part of append_single / append_batched is the schema and which is phased's code.

import { appendAnatomy, type Part } from '../support/anatomy.js';
import {
  type BenchContext,
  type Result,
  repeat,
  result,
  type Scenario,
  tempDir,
} from '../support/measure.js';

const VARIANTS: [suffix: string, parts: Part[]][] = [
  ['event', ['event']],
  ['event_units', ['event', 'units']],
  ['event_head', ['event', 'head']],
  ['event_units_head', ['event', 'units', 'head']],
  ['lean_units_head', ['lean', 'units', 'head']],
];

export const appendAnatomyScenario: Scenario = {
  id: 'append-anatomy',
  names: VARIANTS.flatMap(([v]) => [`append_cpu_us_single_${v}`, `append_cpu_us_batched_${v}`]),
  async run(ctx: BenchContext) {
    const tmp = tempDir();
    const out: Result[] = [];
    try {
      for (const [batch, label, events] of [
        [1, 'single', ctx.quick ? 2_000 : 10_000],
        [100, 'batched', ctx.quick ? 10_000 : 100_000],
      ] as const) {
        for (const [v, parts] of VARIANTS) {
          const s = await repeat(ctx.runs, (i) =>
            appendAnatomy(tmp.file(`${label}-${v}-${i}.db`), parts, events, batch),
          );
          out.push(
            result(`append_cpu_us_${label}_${v}`, 'cpu µs/event', s, undefined, `raw SQL, ${batch}/tx`),
          );
        }
      }
      return out;
    } finally {
      tmp.done();
    }
  },
};
