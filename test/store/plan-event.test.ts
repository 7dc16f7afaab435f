// The event that fixed a run's plan: the latest RUN_CREATED or PLAN_CHANGE_ACCEPTED, found through the partial
// index (one row however long the log), with its own hash checked; migrated files gain the index.
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import { appendAll, createRun, ev, removeTempDirs, started, tempDbFile } from './helpers.js';

afterAll(removeTempDirs);

it('returns the latest plan event, checks its hash, and reads it through the index', () => {
  const file = tempDbFile();
  const store = openStore(file);
  try {
    const run = createRun(store);
    expect(store.planEvent(run)).toBeUndefined();
    appendAll(store, run, [ev('RUN_CREATED', { planHash: 'h1' }), ev('DRIVER_ATTACHED')]);
    expect(store.planEvent(run)).toMatchObject({ seq: 1, type: 'RUN_CREATED', hashOk: true });
    appendAll(store, run, [
      ...Array.from({ length: 50 }, (_, i) =>
        started('a', `2024-01-${String((i % 28) + 1).padStart(2, '0')}`),
      ),
      ev('PLAN_CHANGE_ACCEPTED', { oldHash: 'h1', newHash: 'h2', changes: [] }),
      started('a', '2024-02-01'),
    ]);
    const latest = store.planEvent(run);
    expect(latest).toMatchObject({ seq: 53, type: 'PLAN_CHANGE_ACCEPTED', hashOk: true });
    expect(JSON.parse(latest?.data ?? '{}').newHash).toBe('h2');
  } finally {
    store.close();
  }
  const db = new Database(file);
  try {
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_plan'").pluck().get()).toMatch(
      /WHERE type IN \('RUN_CREATED', 'PLAN_CHANGE_ACCEPTED'\)/,
    );
    // An edited PLAN_CHANGE_ACCEPTED (its newHash) no longer matches its own hash.
    db.prepare(
      "UPDATE events SET data = replace(data, 'h2', 'h3') WHERE run_id = 'run-1' AND seq = 53",
    ).run();
  } finally {
    db.close();
  }
  const again = openStore(file, { readonly: true });
  try {
    expect(again.planEvent('run-1')).toMatchObject({ seq: 53, hashOk: false });
  } finally {
    again.close();
  }
});
