// Contract: events() reads a long run in pages, in seq order, can be left early, and holds nothing that blocks
// an append meanwhile; two iterations of one run can interleave.
import { describe, expect, it } from 'vitest';
import type { StoreCtx } from '../contract.js';
import { appendAt, appendManyAt, ev, newRun } from '../helpers.js';

export function iterateSuite({ make }: StoreCtx): void {
  describe('events iterator', () => {
    it('reads a 50,000-event run in seq order, lets an append through meanwhile, and can be left early', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 50_000, 5000);
      const it = store.events(run)[Symbol.asyncIterator]();
      const first = [(await it.next()).value, (await it.next()).value, (await it.next()).value];
      expect(first.map((e) => e?.seq)).toEqual([1, 2, 3]);
      // A paged read holds no lock between pages: the writer is not blocked by a reader that stopped midway.
      expect((await appendAt(store, run, [ev('PAUSED')]))[0].seq).toBe(50_001);
      let last = 0;
      let n = 0;
      for await (const e of { [Symbol.asyncIterator]: () => it }) {
        expect(e.seq).toBe(last === 0 ? 4 : last + 1);
        last = e.seq;
        n++;
        if (e.seq === 20_000) break;
      }
      expect(last).toBe(20_000);
      expect(n).toBe(19_997);
      expect((await appendAt(store, run, [ev('RESUMED')]))[0].seq).toBe(50_002);
    });

    it('allows two iterations over the same run at once', async () => {
      const store = await make();
      const run = await newRun(store);
      await appendManyAt(store, run, 20);
      const a = store.events(run)[Symbol.asyncIterator]();
      const b = store.events(run, { fromSeq: 11 })[Symbol.asyncIterator]();
      const pairs: [number, number][] = [];
      for (let i = 0; i < 10; i++)
        pairs.push([(await a.next()).value?.seq ?? -1, (await b.next()).value?.seq ?? -1]);
      await a.return?.();
      await b.return?.();
      expect(pairs[0]).toEqual([1, 11]);
      expect(pairs[9]).toEqual([10, 20]);
    });
  });
}
