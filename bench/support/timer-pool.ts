// The makespan floors without phased: the same number of setTimeout units through a plain pool of the same
// width. What the plain pool loses to timer lateness and the event loop, the engine cannot win back; the commit
// pool also makes each unit's start durable first, as the append contract asks, with raw SQL and no batching.

import { openRawContract } from './anatomy.js';

/** ms for `units` timers of `unitMs` through `width` workers; `before` runs before each unit starts. */
export async function timerPoolMs(
  units: number,
  unitMs: number,
  width: number,
  before?: () => void,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < units) {
      next++;
      before?.();
      await new Promise((r) => setTimeout(r, unitMs));
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: width }, worker));
  return performance.now() - t0;
}

/**
 * The same pool where each unit, before it starts, commits two events on the store's own tables in raw SQL (its
 * predecessor's end and its own start: event rows, units upserts, run head), one transaction per unit, at once.
 */
export async function commitPoolMs(
  file: string,
  units: number,
  unitMs: number,
  width: number,
): Promise<number> {
  const raw = openRawContract(file);
  let seq = 1;
  try {
    return await timerPoolMs(units, unitMs, width, () => {
      raw.write(seq, 2);
      seq += 2;
    });
  } finally {
    raw.close();
  }
}
