// Reading a run's log in pages through the asynchronous store: every event in [from, to] once, in seq order, in
// pages no larger than asked; and the single event at a seq. A real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventAt, eventPages } from '../../../src/observe/index.js';
import { type EventStore, openEventStore } from '../../../store/index.js';

let dir: string;
let store: EventStore;
const EVENTS = 10;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'phased-pages-'));
  store = await openEventStore(join(dir, 'phased.db'));
  await store.createRun({
    runId: 'r',
    planName: 'p',
    planHash: 'h',
    planJson: '{}',
    machineVersion: '1',
    createdAt: '2025-01-01T00:00:00.000Z',
  });
  const events = Array.from({ length: EVENTS }, (_, i) => ({
    event: { type: 'DRIVER_ATTACHED' as const, pid: i, host: 'h', version: 'v', reason: 'new' as const },
    at: `2025-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
    state: 'created',
    status: 'created' as const,
  }));
  await store.append('r', 0, events);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pages(opts: Parameters<typeof eventPages>[2]): Promise<number[][]> {
  const out: number[][] = [];
  for await (const page of eventPages(store, 'r', opts)) out.push(page.map((e) => e.seq));
  return out;
}

it('reads the whole log in pages of the size asked', async () => {
  expect(await pages({ pageSize: 3 })).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
  expect(await pages({ pageSize: 5 })).toEqual([
    [1, 2, 3, 4, 5],
    [6, 7, 8, 9, 10],
  ]);
  expect((await pages({})).flat()).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
});

it('keeps to [fromSeq, toSeq] and reads nothing past the head', async () => {
  expect(await pages({ fromSeq: 4, toSeq: 8, pageSize: 3 })).toEqual([
    [4, 5, 6],
    [7, 8],
  ]);
  expect(await pages({ fromSeq: 9, pageSize: 3 })).toEqual([[9, 10]]);
  expect(await pages({ fromSeq: 11 })).toEqual([]);
  expect(await pages({ fromSeq: 5, toSeq: 4 })).toEqual([]);
  const none: number[][] = [];
  for await (const page of eventPages(store, 'missing')) none.push(page.map((e) => e.seq));
  expect(none).toEqual([]);
});

it('finds the event at a seq, and nothing where there is none', async () => {
  expect((await eventAt(store, 'r', 7))?.at).toBe('2025-01-01T00:00:06.000Z');
  expect(await eventAt(store, 'r', 11)).toBeUndefined();
  expect(await eventAt(store, 'missing', 1)).toBeUndefined();
});
