// A run's frozen plan records the files it was read from: a resume whose files still have those bytes finds no
// change without loading the plan, any edited file is compared in full, and the record is not part of the plan's
// hash (the frozen plan still verifies against the log).
import { appendFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createRun, detectPlanChange, frozenPlanProblem } from '../../../src/engine/index.js';
import { loadPlanWithSources } from '../../../src/plan/index.js';
import { openEventStore } from '../../../store/index.js';
import { removeTempDirs, tempDbFile } from '../../store/helpers.js';
import { copyFixture } from '../plan/helpers.js';

afterAll(removeTempDirs);

describe('the frozen plan’s sources', () => {
  it('finds no change while the files are as read, and compares in full once one is edited', async () => {
    const file = copyFixture();
    const { plan, sources } = loadPlanWithSources(file);
    const store = await openEventStore(tempDbFile());
    try {
      const runId = await createRun(store, plan, { runId: 's1', sources });
      const run = await store.requireRun(runId);
      expect(JSON.parse(run.planJson).sources).toEqual(sources);
      // Recorded beside the plan, not in it: the frozen plan still hashes to the run's plan hash.
      expect(await frozenPlanProblem(store, run)).toBeUndefined();
      expect(await detectPlanChange(store, runId)).toBeUndefined();

      const sql = sources.find((s) => s.file.endsWith('.sql'))!.file;
      appendFileSync(sql, '\n-- a comment changes the SQL text\n');
      const change = await detectPlanChange(store, runId);
      expect(change).toBeDefined();
      expect(change!.newHash).not.toBe(run.planHash);
      expect(change!.changes.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
