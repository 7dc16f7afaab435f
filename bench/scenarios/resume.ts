// resume_to_first_unit_ms: spawn → first unit dispatched, resuming a 10⁵-event run in a fresh process
// (the resume path with a no-op warehouse); cli_status_ms: `phased status RUN` on the same log, for comparison.

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_MAIN, lastJson, runNode, SUPPORT_DIR } from '../support/child.js';
import { writeLongRun } from '../support/long-run.js';
import { type BenchContext, repeat, result, type Scenario, tempDir } from '../support/measure.js';

export const resume: Scenario = {
  id: 'resume',
  names: ['resume_to_first_unit_ms', 'cli_status_ms'],
  async run(ctx: BenchContext) {
    const n = ctx.quick ? 10_000 : 100_000;
    const tmp = tempDir();
    try {
      const run = await writeLongRun(tmp.file('base.db'), n);
      const child = join(SUPPORT_DIR, 'resume-child.js');
      const resumeStats = await repeat(ctx.runs, async (i) => {
        // Each resume appends to the log: start every repetition from the same copy.
        const file = tmp.file(`resume${i}.db`);
        copyFileSync(run.file, file);
        const r = await runNode(child, [file, run.runId]);
        return lastJson<{ firstUnitAt: number }>(r.stdout).firstUnitAt - r.spawnedAt;
      });
      const statusStats = await repeat(ctx.runs, async () => {
        const r = await runNode(CLI_MAIN, ['--db', run.file, 'status', run.runId]);
        return r.exitedAt - r.spawnedAt;
      });
      const note = `${run.events} events${ctx.quick ? ' (quick: reduced size)' : ''}`;
      return [
        result('resume_to_first_unit_ms', 'ms', resumeStats, { atMost: 250 }, note),
        result('cli_status_ms', 'ms', statusStats, undefined, `phased status (the bundled CLI), ${note}`),
      ];
    } finally {
      tmp.done();
    }
  },
};
