// The SQLite class's synchronous events(): it streams from an open statement, so a long run can be read partially
// and left early. (The asynchronous interface reads in pages: test/store/contract/iterate.ts.)
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore, type SqliteStore } from '../../store/index.js';
import { appendAll, appendMany, createRun, ev, removeTempDirs, tempDbFile } from './helpers.js';

const opened: SqliteStore[] = [];
const make = (): SqliteStore => {
  const s = openStore(tempDbFile());
  opened.push(s);
  return s;
};
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});
afterAll(removeTempDirs);

describe('SqliteStore events iterator', () => {
  it('streams a 50,000-event run lazily and can be left early', () => {
    const store = make();
    const run = createRun(store);
    appendMany(store, run, 50_000, 5000);
    const it = store.events(run);
    const first = [it.next().value, it.next().value, it.next().value];
    expect(first.map((e) => e?.seq)).toEqual([1, 2, 3]);
    // The rows come from a statement still stepping: the connection refuses writes until it is done,
    // which it would not if the events had been read into memory up front.
    expect(() => appendAll(store, run, [ev('PAUSED')])).toThrow(/busy/);
    let last = 0;
    for (const e of it) {
      last = e.seq;
      if (e.seq === 10) break;
    }
    expect(last).toBe(10);
    // Leaving the loop closed the statement: writing works again.
    expect(appendAll(store, run, [ev('PAUSED')])[0].seq).toBe(50_001);
  });

  it('allows two iterators over the same run at once', () => {
    const store = make();
    const run = createRun(store);
    appendMany(store, run, 20);
    const a = store.events(run);
    const b = store.events(run, { fromSeq: 11 });
    const pairs: [number, number][] = [];
    for (let i = 0; i < 10; i++) pairs.push([a.next().value?.seq ?? -1, b.next().value?.seq ?? -1]);
    a.return?.();
    b.return?.();
    expect(pairs[0]).toEqual([1, 11]);
    expect(pairs[9]).toEqual([10, 20]);
  });
});
