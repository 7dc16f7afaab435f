// PostgreSQL store: the units projection after appends is the SQLite store's for the same events (both backends
// fed the same log, compared row by row and through every units query), and a rebuild from the log gives it back.
import { afterAll, describe, expect, it } from 'vitest';
import { type NewEvent, openStore } from '../../../store/index.js';
import type { PgEventStore } from '../../../store/pg/index.js';
import { baseline, ev, failed, removeTempDirs, started, succeeded, tempDbFile } from '../helpers.js';
import { createRun, usePg } from './helpers.js';

const ctx = usePg();
afterAll(removeTempDirs);

/** Appends made as a driver makes them: a baseline, units started and settled, retries, an operator's retry. */
function batches(): NewEvent[][] {
  const parts = ['2024-01-01', '2024-01-02', '2024-01-03', 'B-side', 'a-side', 'Zeta', '_x'];
  const out: NewEvent[][] = [
    [ev('RUN_CREATED', { planName: 'p' })],
    [baseline({ load: parts, 'Agg step': parts.slice(0, 3), report: ['2024-01-01..2024-01-03'] })],
  ];
  for (const [i, p] of parts.entries()) {
    out.push([started('load', p, 1, i % 2 ? `job-${i}` : undefined)]);
    if (i % 3 === 0)
      out.push([failed('load', p, false)], [started('load', p, 2)], [succeeded('load', p, 10 + i, 2)]);
    else if (i % 3 === 1) out.push([failed('load', p, true)]);
    else out.push([succeeded('load', p, i)]);
  }
  out.push([started('Agg step', '2024-01-01'), failed('Agg step', '2024-01-01', true)]);
  out.push([started('Agg step', '2024-01-02'), failed('Agg step', '2024-01-02', true)]);
  out.push([
    ev('RETRY_REQUESTED', {
      step: 'load',
      partitions: ['B-side', 'Zeta'],
      reopened: [{ step: 'load' }, { step: 'Agg step' }],
    }),
  ]);
  out.push([ev('RETRY_REQUESTED', { reopened: [{ step: 'Agg step' }] })]);
  out.push([started('load', 'B-side', 2), succeeded('load', 'B-side', 99, 2)]);
  // One unit's whole retry in one append (merged into one row on PostgreSQL): the last job ref set wins.
  out.push([
    started('load', 'a-side', 2, 'job-a2'),
    failed('load', 'a-side', false),
    started('load', 'a-side', 3, 'job-a3'),
    succeeded('load', '_x', 5, 2),
    succeeded('load', 'a-side', 31, 3),
  ]);
  // Different units started, failed and settled in one append, as a driver at concurrency > 1 appends them
  // (one set-based upsert on PostgreSQL): job refs, rows and errors kept or replaced as each kind decides.
  out.push([
    started('Agg step', '2024-01-01', 2, 'job-agg'),
    failed('load', '2024-01-03', false, 2),
    started('load', 'B-side', 3),
    succeeded('Agg step', '2024-01-02', 8, 2),
    started('report', '2024-01-01..2024-01-03', 1, 'job-r'),
  ]);
  out.push([
    ev('UNIT_FAILED', {
      step: 'report',
      partition: '2024-01-02',
      attempt: 1,
      final: true,
      error: { code: 'TIMEOUT', message: 't' },
    }),
  ]);
  return out;
}

async function compare(
  pgStore: PgEventStore,
  sqlite: ReturnType<typeof openStore>,
  run: string,
): Promise<void> {
  expect(await pgStore.units(run)).toEqual(sqlite.units(run));
  expect(await pgStore.units(run, { step: 'load', status: ['failed', 'pending'] })).toEqual(
    sqlite.units(run, { step: 'load', status: ['failed', 'pending'] }),
  );
  expect(await pgStore.retryingUnits(run, 3)).toEqual(sqlite.retryingUnits(run, 3));
  expect(await pgStore.failedUnits(run, 1)).toEqual(sqlite.failedUnits(run, 1));
  expect(await pgStore.unitCounts(run)).toEqual(sqlite.unitCounts(run));
  const byKey = (a: { step: string; partition: string }, b: { step: string; partition: string }) =>
    a.step === b.step ? (a.partition < b.partition ? -1 : 1) : a.step < b.step ? -1 : 1;
  expect((await pgStore.views.openUnits(run)).sort(byKey)).toEqual(sqlite.views.openUnits(run).sort(byKey));
  const page = { status: ['pending' as const, 'succeeded' as const], limit: 4, offset: 1 };
  expect(await pgStore.views.unitsPage(run, page)).toEqual(sqlite.views.unitsPage(run, page));
  expect(await pgStore.views.unitsPage(run, { retrying: true, limit: 10, offset: 0 })).toEqual(
    sqlite.views.unitsPage(run, { retrying: true, limit: 10, offset: 0 }),
  );
}

describe('PostgreSQL units projection', () => {
  it('equals the SQLite store’s after the same appends, and after a rebuild from the log', async () => {
    const pgStore = await ctx.open();
    const sqlite = openStore(tempDbFile());
    const run = await createRun(pgStore);
    sqlite.createRun({
      runId: run,
      planName: 'nba-phase3-phase4',
      planHash: 'plan-hash',
      planJson: '{"name":"nba-phase3-phase4"}',
      machineVersion: '1',
      createdAt: '2025-01-02T03:04:05.000Z',
    });
    try {
      for (const b of batches()) {
        const seq = (await pgStore.head(run)).seq;
        const mine = await pgStore.append(run, seq, b);
        const theirs = sqlite.append(run, seq, b);
        expect(mine).toEqual(theirs);
      }
      expect((await pgStore.units(run)).length).toBeGreaterThan(10);
      await compare(pgStore, sqlite, run);
      expect(await pgStore.views.runSummary(run)).toEqual(sqlite.views.runSummary(run));
      expect(await pgStore.requireRun(run)).toEqual(sqlite.requireRun(run));

      // Wipe the projection by hand, then rebuild it from the log.
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: ctx.pg.url, options: `-c search_path=${pgStore.schema}` });
      await c.connect();
      await c.query("UPDATE units SET status = 'succeeded', error = NULL");
      await c.end();
      expect(await pgStore.units(run)).not.toEqual(sqlite.units(run));
      await pgStore.rebuildProjection(run);
      await compare(pgStore, sqlite, run);
    } finally {
      sqlite.close();
    }
  });
});
