// Assertions every crash test makes about a finished run's log: exactly-once success, gap-free seq, a valid chain.
import { expect } from 'vitest';
import { openStore } from '../../store/index.js';
import { type LoggedRow, readEvents } from './cli.js';

export function checkExactlyOnce(db: string, runId: string): LoggedRow[] {
  const events = readEvents(db, runId);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const succeeded = new Map<string, number>();
  for (const e of events) {
    const key = `${e.data.step}/${e.data.partition}`;
    if (e.type === 'UNIT_SUCCEEDED') {
      expect(succeeded.has(key), `${key} succeeded twice (seq ${e.seq})`).toBe(false);
      succeeded.set(key, e.seq);
    }
    if (e.type === 'UNIT_STARTED') {
      expect(succeeded.has(key), `${key} started again after it succeeded (seq ${e.seq})`).toBe(false);
    }
  }
  const store = openStore(db, { readonly: true });
  try {
    expect(store.verifyChain(runId)).toMatchObject({ ok: true });
  } finally {
    store.close();
  }
  return events;
}

/**
 * Units that were started but had no result when a driver died: each must be picked up again exactly once,
 * as an in-doubt attempt (re-run) or a reconciled success, before anything else happens to it.
 */
export function inDoubtUnits(events: LoggedRow[]): { key: string; resolvedBy: string[] }[] {
  const open = new Map<string, number>();
  const out: { key: string; resolvedBy: string[] }[] = [];
  for (const e of events) {
    const key = `${e.data.step}/${e.data.partition}`;
    if (e.type === 'UNIT_STARTED') open.set(key, e.seq);
    if (e.type === 'UNIT_SUCCEEDED' || e.type === 'UNIT_FAILED') open.delete(key);
    if (e.type === 'DRIVER_ATTACHED') {
      for (const k of open.keys()) {
        const next = events.find(
          (x) => x.seq > e.seq && `${x.data.step}/${x.data.partition}` === k && x.type.startsWith('UNIT_'),
        );
        out.push({
          key: k,
          resolvedBy: next ? [next.type, String(next.data.reason ?? next.data.reconciled ?? '')] : [],
        });
      }
      open.clear();
    }
  }
  return out;
}
