// resume_to_first_unit_ms: spawn → first unit dispatched, resuming a 10⁵-event run in a fresh process
// (the resume path with a no-op warehouse, bundled as the CLI is); cli_status_ms: `phased status RUN` on the
// same log, for comparison. resume_naive_ms: spawn → one event committed by a script with no phased code
// (support/resume-naive-child.cts) on the same log, interleaved; resume_naive_ratio divides the two.

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleLaunched } from '../../src/build/index.js';
import { CLI_MAIN, lastJson, resumeNaiveMs, runNode, SUPPORT_DIR } from '../support/child.js';
import { writeLongRun } from '../support/long-run.js';
import { type BenchContext, repeat, result, type Scenario, stats, tempDir } from '../support/measure.js';

/**
 * The child bundled as the CLI is (one CommonJS file run from its code cache), beside the compiled bench so its
 * packages resolve from the project; returns the launcher.
 */
async function bundledChild(): Promise<string> {
  const out = join(SUPPORT_DIR, '..', 'bundled');
  await bundleLaunched(join(SUPPORT_DIR, 'resume-child.js'), out, 'resume-child');
  return join(out, 'resume-child.js');
}

export const resume: Scenario = {
  id: 'resume',
  names: ['resume_to_first_unit_ms', 'resume_naive_ms', 'resume_naive_ratio', 'cli_status_ms'],
  async run(ctx: BenchContext) {
    const n = ctx.quick ? 10_000 : 100_000;
    const tmp = tempDir();
    try {
      const run = await writeLongRun(tmp.file('base.db'), n);
      const child = await bundledChild();
      const once = async (file: string) => {
        // Each resume appends to the log: start every repetition from the same copy.
        copyFileSync(run.file, file);
        const r = await runNode(child, [file, run.runId]);
        return lastJson<{ firstUnitAt: number }>(r.stdout).firstUnitAt - r.spawnedAt;
      };
      // Not measured: the first start writes the bundle's code cache, as a user's first command does the CLI's.
      await once(tmp.file('warm.db'));
      const naives: number[] = [];
      const resumes: number[] = [];
      await repeat(ctx.runs, async (i) => {
        const naive = await resumeNaiveMs(run.file, tmp.file(`naive${i}.db`), run.runId);
        const ms = await once(tmp.file(`resume${i}.db`));
        if (i >= 0) {
          naives.push(naive);
          resumes.push(ms);
        }
        return ms;
      });
      const resumeStats = stats(resumes);
      const statusStats = await repeat(ctx.runs, async () => {
        const r = await runNode(CLI_MAIN, ['--db', run.file, 'status', run.runId]);
        return r.exitedAt - r.spawnedAt;
      });
      const note = `${run.events} events${ctx.quick ? ' (quick: reduced size)' : ''}`;
      return [
        result('resume_to_first_unit_ms', 'ms', resumeStats, { atMost: 250 }, note),
        result(
          'resume_naive_ms',
          'ms',
          stats(naives),
          undefined,
          `node + xstate + better-sqlite3, no phased code; ${note}`,
        ),
        result(
          'resume_naive_ratio',
          'ratio',
          stats(resumes.map((v, i) => v / naives[i])),
          undefined,
          'resume_to_first_unit_ms ÷ resume_naive_ms, measured interleaved',
        ),
        result('cli_status_ms', 'ms', statusStats, undefined, `phased status (the bundled CLI), ${note}`),
      ];
    } finally {
      tmp.done();
    }
  },
};
