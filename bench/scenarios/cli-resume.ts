// cli_resume_to_first_unit_ms: spawn of the real `phased resume RUN` (option parsing, plan-change check, logger,
// warehouse start, lease, rebuild) on a 455-unit SQLite run killed with SIGKILL mid-way, until its first
// UNIT_STARTED is durable. The resumed process is armed with PHASED_CRASH_AT=after-unit-started:1, so it kills
// itself the moment that event is committed: spawn → exit is the figure, and the log is checked to hold it.
// The CLI runs from its settled code cache, as it does once installed and used. cli_resume_naive_ratio divides it
// by resume_naive_ms on the same log (support/resume-naive-child.cts: no phased code), measured interleaved.

import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CLI_MAIN, resumeNaiveMs } from '../support/child.js';
import { writeCliProject } from '../support/cli-project.js';
import { type BenchContext, repeat, result, type Scenario, stats, tempDir } from '../support/measure.js';

interface Exit {
  signal: NodeJS.Signals | null;
  code: number | null;
  ms: number;
  stderr: string;
}

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, ms: performance.now() - t0, stderr }));
  });
}

function startedCount(file: string): number {
  const db = new Database(file);
  try {
    // Fold the WAL a SIGKILL left behind into the main file, so a plain copy holds the whole log.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return (db.prepare("SELECT COUNT(*) n FROM events WHERE type = 'UNIT_STARTED'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export const cliResume: Scenario = {
  id: 'cli-resume',
  names: ['cli_resume_to_first_unit_ms', 'cli_resume_naive_ratio'],
  async run(ctx: BenchContext) {
    const tmp = tempDir();
    try {
      const project = writeCliProject(tmp.file('project'));
      const base = tmp.file('base.db');
      const runId = 'cli-bench';
      const killed = await cli(['--db', base, 'run', project.plan, '--run-id', runId], tmp.dir, {
        PHASED_CRASH_AT: `after-unit-started:${Math.floor(project.units / 2)}`,
      });
      if (killed.signal !== 'SIGKILL') {
        throw new Error(`the first run was to be killed mid-way; it ended ${killed.code}: ${killed.stderr}`);
      }
      const before = startedCount(base);
      // Not measured: a resume run to the end, as a user's earlier commands would, settles the CLI's code cache
      // (cli/code-cache.ts); the killed run above may end before it does.
      const warm = tmp.file('warm.db');
      copyFileSync(base, warm);
      const settled = await cli(['--db', warm, 'resume', runId], tmp.dir, {});
      if (settled.code !== 0) throw new Error(`the warm-up resume ended ${settled.code}: ${settled.stderr}`);
      const naives: number[] = [];
      const resumes: number[] = [];
      await repeat(ctx.runs, async (i) => {
        const naive = await resumeNaiveMs(base, tmp.file(`naive${i + 1}.db`), runId);
        if (i >= 0) naives.push(naive);
        const file = tmp.file(`resume${i + 1}.db`);
        copyFileSync(base, file);
        const r = await cli(['--db', file, 'resume', runId], tmp.dir, {
          PHASED_CRASH_AT: 'after-unit-started:1',
        });
        if (r.signal !== 'SIGKILL' || startedCount(file) <= before) {
          throw new Error(`resume did not reach its first unit (exit ${r.code ?? r.signal}): ${r.stderr}`);
        }
        if (i >= 0) resumes.push(r.ms);
        return r.ms;
      });
      return [
        result(
          'cli_resume_to_first_unit_ms',
          'ms',
          stats(resumes),
          { atMost: 250 },
          `phased resume after kill -9, ${project.units}-unit SQLite plan`,
        ),
        result(
          'cli_resume_naive_ratio',
          'ratio',
          stats(resumes.map((v, i) => v / naives[i])),
          undefined,
          'cli_resume_to_first_unit_ms ÷ resume_naive_ms on the same log, measured interleaved',
        ),
      ];
    } finally {
      tmp.done();
    }
  },
};
