// makespan_efficiency: simulated 10 ms units at concurrency 16; ideal (units × 10 ms ÷ 16) over the
// measured span from the first UNIT_STARTED to the last UNIT_SUCCEEDED. wave_commit_us / wave_machine_us:
// what each wave of 16 pays on the critical path between one unit's end and its successor's start.
// makespan_commit_floor: the same units through a plain pool that commits each unit's two events in raw SQL
// before it starts (no phased code, no batching): the timer floor plus the writes the append contract requires.

import { driveNoop } from '../support/drive.js';
import { type BenchContext, repeat, result, type Scenario, stats, tempDir } from '../support/measure.js';
import { commitPoolMs, timerPoolMs } from '../support/timer-pool.js';
import { waveCost } from '../support/wave.js';

const UNIT_MS = 10;
const C = 16;
const IDLE_MS = 2;

export const makespan: Scenario = {
  id: 'makespan',
  names: [
    'makespan_efficiency',
    'makespan_timer_floor',
    'makespan_floor_ratio',
    'makespan_commit_floor',
    'makespan_commit_floor_ratio',
    'wave_commit_us',
    'wave_machine_us',
    'pair_commit_us',
    'pair_commit_idle_us',
  ],
  async run(ctx: BenchContext) {
    const units = ctx.quick ? 400 : 2_000;
    const ideal = (units * UNIT_MS) / C;
    const tmp = tempDir();
    try {
      // Interleave the driven run with the timer floor so machine load affects both alike.
      const driven: number[] = [];
      const floors: number[] = [];
      const commitFloors: number[] = [];
      await repeat(ctx.runs, async (i) => {
        const t = await driveNoop({ file: tmp.file(`m${i}.db`), units, concurrency: C, delayMs: UNIT_MS });
        const f = ideal / (await timerPoolMs(units, UNIT_MS, C));
        const c = ideal / (await commitPoolMs(tmp.file(`c${i}.db`), units, UNIT_MS, C));
        if (i >= 0) {
          driven.push(ideal / t.unitsMs);
          floors.push(f);
          commitFloors.push(c);
        }
        return f;
      });
      const s = stats(driven);
      const floor = stats(floors);
      const ratio = stats(driven.map((d, i) => d / floors[i]));
      const commitFloor = stats(commitFloors);
      const commitRatio = stats(driven.map((d, i) => d / commitFloors[i]));
      const waves = ctx.quick ? 200 : 1_000;
      const costs: { commitUs: number; machineUs: number }[] = [];
      const commit = await repeat(ctx.runs, async (i) => {
        const c = await waveCost(tmp.file(`w${i}.db`), waves);
        if (i >= 0) costs.push(c);
        return c.commitUs;
      });
      const machine = stats(costs.map((c) => c.machineUs));
      // The split batch of long units (two units' four events), back to back and after the loop sat idle.
      const pairs = ctx.quick ? 100 : 300;
      const pairHot: number[] = [];
      const pairIdle: number[] = [];
      await repeat(ctx.runs, async (i) => {
        const hot = await waveCost(tmp.file(`p${i}.db`), pairs, { width: 2 });
        const idle = await waveCost(tmp.file(`q${i}.db`), pairs, { width: 2, idleMs: IDLE_MS });
        if (i >= 0) {
          pairHot.push(hot.commitUs);
          pairIdle.push(idle.commitUs);
        }
        return hot.commitUs;
      });
      const waveNote = `${C} UNIT_SUCCEEDED + ${C} UNIT_STARTED in one RunLog.commit, ${waves} waves`;
      return [
        result('wave_commit_us', 'µs/wave', commit, undefined, waveNote),
        result('wave_machine_us', 'µs/wave', machine, undefined, 'of which the statechart (RunCursor.apply)'),
        result(
          'pair_commit_us',
          'µs/commit',
          stats(pairHot),
          undefined,
          `2 + 2 events, ${pairs} back to back`,
        ),
        result(
          'pair_commit_idle_us',
          'µs/commit',
          stats(pairIdle),
          undefined,
          `the same, each after ${IDLE_MS} ms with the event loop idle, interleaved`,
        ),
        result('makespan_timer_floor', 'ideal/actual', floor, undefined, 'plain setTimeout pool, no phased'),
        result('makespan_efficiency', 'ideal/actual', s, undefined, `${units} × ${UNIT_MS} ms units, c${C}`),
        result(
          'makespan_floor_ratio',
          'ratio',
          ratio,
          { atLeast: 0.92 },
          'makespan_efficiency ÷ makespan_timer_floor',
        ),
        result(
          'makespan_commit_floor',
          'ideal/actual',
          commitFloor,
          undefined,
          'the setTimeout pool committing each unit start (two events) in raw SQL first, no batching',
        ),
        result(
          'makespan_commit_floor_ratio',
          'ratio',
          commitRatio,
          undefined,
          'makespan_efficiency ÷ makespan_commit_floor, measured interleaved',
        ),
      ];
    } finally {
      tmp.done();
    }
  },
};
